/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_report_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains('Tour lost case')",
            content: "Lost cases are listed with the others",
        },
        {
            trigger: ".o_search_panel_category_value header:contains('Lost')",
            content: "Click the Lost status in the side panel",
            run: "click",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour open case'))) .o_data_row:contains('Tour lost case')",
            content: "Only the lost cases remain",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tour won case')))",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='crm.crm_menu_report']",
            content: "Open the Reporting menu",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='tracelink_crm.tracelink_crm_winloss_wizard_menu']",
            content: "Open the Won/Lost report",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=period] input[data-value='this_year']",
            content: "Pick this year",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=won_count]:contains('1')",
            content: "One case won this year",
        },
        {
            trigger: ".modal button[name=action_show_chart]",
            content: "Show the chart",
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer canvas",
            content: "The won/lost chart is drawn",
        },
    ],
});
