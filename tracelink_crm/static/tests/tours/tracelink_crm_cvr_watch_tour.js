/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_cvr_watch_case_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_tracelink_cvr_status_banner:contains('Under Bankruptcy')",
            content: "The open case of a customer under bankruptcy shows a banner",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:has(textarea)",
            content: "on the case's form",
        },
    ],
});

registry.category("web_tour.tours").add("tracelink_crm_cvr_watch_convert_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_tracelink_cvr_status_banner:contains('Under Bankruptcy')",
            content: "The won case shows the banner too",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_convert_to_order]",
            content: "Convert the case to an order",
            run: "click",
        },
        {
            trigger: ".modal .o_tracelink_cvr_convert_warning:contains('is “Under Bankruptcy” according to the CVR register')",
            content: "Converting asks first, naming the customer's status",
        },
        {
            trigger: ".modal button[name=action_convert]",
            content: "Convert anyway",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
            content: "The confirmed order opens",
        },
        {
            trigger: ".o_form_view .o_tracelink_cvr_status_banner:contains('Under Bankruptcy')",
            content: "with the banner",
        },
    ],
});
