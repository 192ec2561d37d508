/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_cvr_customer_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_list_button_add",
            content: "Add a case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] textarea",
            content: "Name the case",
            run: "edit Tour CVR case",
        },
        {
            trigger: ".o_form_view .o_tracelink_cvr_customer_button",
            content: "The customer does not exist yet: New CVR customer",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=search_term] input",
            content: "Type the CVR number",
            run: "edit DK 1358 5628",
        },
        {
            trigger: ".modal button[name=action_search]",
            content: "Look it up",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_kanban_record:contains('Eksempel Maskinfabrik ApS'):contains('Vejle'):contains('Selected')",
            content: "The register's company is shown",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            content: "Confirm",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Eksempel Maskinfabrik ApS)",
            content: "The new company is the case's customer",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
