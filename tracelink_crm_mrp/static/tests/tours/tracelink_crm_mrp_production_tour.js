/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_mrp_production_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_tracelink_delivery_warning",
            content: "The delivery date comes before the end of production",
        },
        {
            trigger: ".o_form_view .o_tracelink_case_lines .o_data_row:contains('Svejset beslag')",
            content: "The won case has its product lines",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_convert_to_order]",
            content: "Convert the won case to an order",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=sale]",
            content: "The confirmed order opens",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=order_line] .o_data_row:contains('Svejset beslag')",
            content: "with the case's lines",
        },
        {
            trigger: ".breadcrumb-item a:contains('Tour beslag')",
            content: "Back to the case",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name=action_open_productions]:contains('1')",
            content: "Open its production",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=product_id]:contains('Svejset beslag')",
            content: "The manufacturing order of the bracket opens",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current[data-value=confirmed]",
            content: "confirmed, waiting to be started",
        },
    ],
});
