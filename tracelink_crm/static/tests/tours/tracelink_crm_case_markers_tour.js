/** @odoo-module **/
/*
 * Overdue and closed are marked with icons to read, not buttons to press:
 * the red clock in the case list and the case form, the lock in the tabs;
 * the Orders tab shows the delivery date as a date.
 */
import { registry } from "@web/core/registry";

const overdueRow = ".o_list_view .o_data_row:contains('Markers overdue case')";

registry.category("web_tour.tours").add("tracelink_crm_case_markers_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: `${overdueRow} td:not(:has(button)) > .o_field_widget > i.fa-clock-o.text-danger`,
            content: "The list's clock is a red icon, not a button",
        },
        {
            trigger: `${overdueRow} td[name=name]`,
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=is_overdue]:not(:has(button)) i.fa-clock-o.text-danger",
            content: "The form's clock is red too, and an icon",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Orders')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=customer_order_ids] .o_data_row td[name=commitment_date]",
            content: "The delivery date is a date, without a time",
            run() {
                const text = this.anchor.textContent.trim();
                if (!/^\d{2}\/\d{2}\/\d{4}$/.test(text)) {
                    throw new Error(`The delivery date reads "${text}"`);
                }
            },
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Same Customer')",
            run: "click",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=same_customer_lead_ids] .o_data_row:contains('Markers won case') td:not(:has(button)) i.fa-lock",
            content: "A closed case carries a lock icon, not a button",
        },
    ],
});
