/** @odoo-module **/
/*
 * A probability outside 0-100 % and a negative value are refused as they are
 * typed, with the reason under the field; no paid enrichment on a case.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const LONG_CASE = "Svejste rammer til lagerhallen";

registry.category("web_tour.tours").add("tracelink_crm_case_bounds_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: `.o_list_view .o_data_row td[name=name]:contains('${LONG_CASE}')`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=probability] input",
            content: "A probability of 150 % is refused as typed",
            run: "edit 150 && press Tab",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=probability].o_field_invalid .o_tracelink_bounds_message:contains('Skal være mellem 0 og 100.')",
        },
        {
            trigger: ".o_form_view:not(:has(.ribbon:contains('Won'), .ribbon:contains('Vundet')))",
            content: "No Won ribbon for a refused probability",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=probability] input",
            run: "edit 40 && press Tab",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=probability]:not(.o_field_invalid):not(:has(.o_tracelink_bounds_message))",
            content: "A valid probability clears the message",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=expected_revenue] input",
            content: "A negative value is refused as typed",
            run: "edit -500 && press Tab",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=expected_revenue].o_field_invalid .o_tracelink_bounds_message:contains('Må ikke være negativ.')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=expected_revenue] input",
            run: "edit 500 && press Tab",
        },
        {
            trigger:
                ".o_form_view .o_field_widget[name=expected_revenue]:not(.o_field_invalid):not(:has(.o_tracelink_bounds_message))",
        },
        {
            trigger: ".o_form_view:not(:has(button[name=iap_enrich]))",
            content: "No Enrich (a paid service) on a case",
        },
        ...stepUtils.saveForm(),
    ],
});
