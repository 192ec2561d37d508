/** @odoo-module **/
/*
 * One word for one thing on a Danish case screen: Sag and Status, not
 * Salgsmulighed and Fase, in the required-field message and the chatter.
 */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("tracelink_crm_case_wording_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=name]:contains('Ordlyd sag')",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Sag oprettet')",
            content: "The chatter says the case was created (not Oprettet salgsmulighed)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=stage_id] button:contains('Ordlyd tilbud')",
            content: "Move the case to another status",
            run: "click",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Message:contains('Ordlyd tilbud'):contains('(Status)')",
            content: "The change is tracked as Status (not Fase)",
        },
        {
            trigger: ".o-mail-Chatter:not(:contains('Fase')):not(:contains('algsmulighed'))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] textarea",
            content: "Empty the case's name",
            run: "clear",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('Sag'):not(:contains('algsmulighed'))",
            content: "The required field is named Sag",
        },
        {
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Ordlyd sag'), .o_form_view .o_field_widget[name=name] textarea",
        },
    ],
});
