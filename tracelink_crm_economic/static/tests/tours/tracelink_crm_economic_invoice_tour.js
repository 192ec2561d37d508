/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_economic_invoice_tour", {
    steps: () => [
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
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_economic_send]",
            content: "Send it to e-conomic",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=economic_invoice_state]:contains(Booked)",
            content: "The invoice is booked in e-conomic",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=economic_invoice_number]:contains(1)",
            content: "with its number",
        },
        {
            trigger: ".breadcrumb-item a:contains('Rammer til pakkelinje')",
            content: "Back to the case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook a[name=customer_orders]",
            content: "Open the Orders tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=customer_order_ids] .o_data_row:contains(Booked)",
            content: "The case shows the invoice booked",
        },
    ],
});

registry.category("web_tour.tours").add("tracelink_crm_economic_paid_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook a[name=customer_orders]",
            content: "Open the Orders tab",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=customer_order_ids] .o_data_row:contains(Paid)",
            content: "After the bookkeeper's payment the case shows the invoice paid",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=customer_order_ids] .o_data_row .o_data_cell",
            content: "Open the order",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=economic_invoice_state]:contains(Paid)",
            content: "The order shows it paid too",
        },
    ],
});
