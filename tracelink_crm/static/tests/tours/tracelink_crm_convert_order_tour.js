/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_convert_order_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name=customer_reference] input",
            content: "The won case shows what the order is filled with",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_convert_to_order]",
            content: "Convert the won case to an order",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
            content: "The confirmed order opens",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains('Vejle Maskinfabrik ApS')",
            content: "for the case's customer",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:has(button[name=action_send_order_confirmation]):not(:has(button[name=action_quotation_send]:contains('Send by Email')))",
            content: "One button sends the confirmation of a confirmed order",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_send_order_confirmation]",
            content: "Send the order confirmation",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=attachment_ids]:contains('Order Confirmation - ')",
            content: "The composer has the order confirmation attached",
        },
        {
            trigger: ".modal .o_mail_send",
            content: "Send it",
            run: "click",
        },
        {
            trigger: ".o-mail-Message-body:contains('Thank you for your order')",
            content: "The sent e-mail is in the order's chatter",
        },
        {
            trigger: ".breadcrumb-item a:contains('Tour won case')",
            content: "Back to the case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=sale_order_id] a, .o_form_view .o_field_widget[name=sale_order_id]:contains('S0')",
            content: "The case links to its order",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_convert_to_order]))",
            content: "and cannot be converted again",
        },
    ],
});
