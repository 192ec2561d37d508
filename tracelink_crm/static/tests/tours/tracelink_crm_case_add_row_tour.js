/** @odoo-module **/
/*
 * "Add a case" at the bottom of the case list: the case is filled in its
 * row, the customer picked there (New CVR customer offered in the drop-down);
 * an existing case still opens in the form.
 */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_case_add_row_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_list_view .o_field_x2many_list_row_add a:contains('Tilføj en sag')",
            content: "Add a case at the bottom of the list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_selected_row td[name=name] textarea, .o_list_view .o_selected_row td[name=name] input",
            run: "edit Tavle til hal 3",
        },
        {
            trigger: ".o_list_view .o_selected_row td[name=partner_id] input",
            content: "Pick the customer in the row",
            run: "edit Rækkekunde",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .o_tracelink_cvr_customer_option:contains('Ny CVR-kunde')",
            content: "New CVR customer is offered in the row",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Rækkekunde ApS')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_selected_row td[name=expected_revenue] input",
            run: "edit 50000",
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:not(.o_selected_row):contains('Tavle til hal 3'):contains('Rækkekunde ApS')",
            content: "The case is saved in its row",
        },
        {
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Rækkesag')",
            content: "An existing case opens in the form, not in its row",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Rækkesag'), .o_form_view .o_field_widget[name=name] textarea",
        },
    ],
});
