/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_economic_connection_tour", {
    url: "/odoo/action-tracelink_economic.tracelink_economic_connection_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:first .o_data_cell",
            content: "Open the company's e-conomic connection",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_test_connection]",
            content: "Test the connection",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(Connected to e-conomic)",
            content: "e-conomic names the agreement",
        },
        {
            trigger: ".o_form_view button[name=action_import_now]",
            content: "Import the customers now",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(3 created)",
            content: "The summary is shown",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=import_created]:contains(3)",
            content: "and kept on the connection",
        },
    ],
});
