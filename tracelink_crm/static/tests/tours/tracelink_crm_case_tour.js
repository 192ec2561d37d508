/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("tracelink_crm_case_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm.crm_menu_root']",
            content: "Open the CRM app",
            run: "click",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='tracelink_crm.crm_lead_menu_case']",
            content: "Open the case list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour overdue case') .o_tracelink_overdue",
            content: "The overdue case shows a red clock",
        },
        {
            trigger: ".o_list_button_add",
            content: "Add a case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] textarea",
            content: "Name the case",
            run: "edit Tour new case",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            content: "Pick the customer",
            run: "edit Tour Kunde",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Kunde ApS')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=expected_revenue] input",
            content: "Type the value",
            run: "edit 20000 && click body",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=probability] input",
            content: "Type the probability",
            run: "edit 25 && click body",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=prorated_revenue]:contains('5,000')",
            content: "The weighted value follows",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".breadcrumb-item a:contains('Cases')",
            content: "Back to the list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour new case')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour overdue case') .o_data_cell[name=name]",
            content: "Open the overdue case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button[data-value]:contains('Won')",
            content: "Move it to Won",
            run: "click",
        },
        {
            trigger: ".o_form_view .ribbon:contains('Won')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=prorated_revenue]:contains('40,000')",
            content: "Won: the weighted value is the whole value",
        },
        {
            trigger: ".breadcrumb-item a:contains('Cases')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour overdue case'):not(:has(.o_tracelink_overdue))",
            content: "The red clock is gone",
        },
    ],
});
