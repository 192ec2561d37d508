/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const overdueRow = ".o_list_view .o_data_row:contains('Tour overdue case')";

registry.category("web_tour.tours").add("tracelink_crm_case_screens_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='tracelink_crm.crm_lead_menu_case']",
            content: "Open the case list",
            run: "click",
        },
        {
            trigger: `${overdueRow} td:nth-last-child(-n+2):not(:has(button)) i.o_tracelink_overdue.fa-clock-o.text-danger`,
            content: "The overdue row ends with a red clock icon, not a button (before the optional columns toggle)",
        },
        {
            trigger: `.o_list_view:not(:has(.o_data_row button[name='action_snooze'], .o_data_row .fa-envelope))`,
            content: "No E-mail/SMS/Snooze buttons squeeze the case name",
        },
        {
            trigger: ".o_list_view th[data-name=name]:contains('Case')",
            content: "The name column is the case",
        },
        {
            trigger: `${overdueRow} td[name=name]`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Same Customer (2)')",
            content: "The tab says how many other cases the customer has",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=same_customer_lead_ids] .o_data_row:contains('Tour won case') .fa-lock",
            content: "A closed case is marked with a lock",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=same_customer_lead_ids] .o_data_row:contains('Tour open sibling'):not(:has(.fa-lock))",
            content: "An open case carries no lock",
        },
        {
            trigger: ".o_form_view .o_notebook .nav-link:contains('Orders (1)')",
            content: "The tab says how many orders the customer has",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=action_show_potential_duplicates]:visible))",
            content: "Odoo's Similar Leads button does not repeat Same Customer",
        },
        {
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb a:contains('Cases')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour lonely case') td[name=name]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Tour lonely case'), .o_form_view .o_field_widget[name=name] textarea",
        },
        {
            trigger: ".o_form_view .o_notebook:not(:has(.nav-link:contains('Same Customer'))):not(:has(.nav-link:contains('Orders')))",
            content: "A customer without other cases or orders gets no empty tabs",
        },
    ],
});
