/** @odoo-module **/
/*
 * A status column of the case kanban says what its totals are: value and
 * weighted value, with the currency.
 */
import { registry } from "@web/core/registry";

const column = ".o_kanban_group:has(.o_column_title:contains('Kanban Status'))";

registry.category("web_tour.tours").add("tracelink_crm_case_kanban_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            trigger: `${column} .o_tracelink_column_total_value:contains('Value'):contains('$'):contains('30,000')`,
            content: "The column's value, named, with the currency",
        },
        {
            trigger: `${column} .o_tracelink_column_total_weighted:contains('Weighted'):contains('$'):contains('13,000')`,
            content: "The column's weighted value, named, with the currency",
        },
    ],
});
