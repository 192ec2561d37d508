/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_cvr_contacts_tour", {
    url: "/odoo/contacts",
    steps: () => [
        {
            trigger: ".o_control_panel button:contains(New CVR customer)",
            content: "New CVR customer from the contacts",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=search_term] input",
            content: "Type the CVR number",
            run: "edit 13585628",
        },
        {
            trigger: ".modal button[name=action_search]",
            content: "Look it up",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=line_ids] .o_kanban_record:contains('Eksempel Maskinfabrik ApS'):contains('Industrivej 4'):contains('Selected')",
            content: "The register's company is shown, selected",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            content: "Confirm",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Eksempel Maskinfabrik ApS)",
            content: "The new company is opened",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=vat] input:value(DK13585628)",
            content: "with its register data",
        },
    ],
});
