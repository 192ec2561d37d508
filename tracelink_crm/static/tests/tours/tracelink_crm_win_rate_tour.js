/** @odoo-module **/
/*
 * A customer without won or lost cases has no win rate ("–"), one with only
 * lost cases has 0: in the Customers report and on the customer's form.
 */
import { registry } from "@web/core/registry";

function winRateOf(customer) {
    const headers = [...document.querySelectorAll(".o_pivot thead tr:last-child th")];
    const column = headers.findIndex((th) => th.textContent.includes("Win Rate"));
    const row = [...document.querySelectorAll(".o_pivot tbody tr")].find((tr) =>
        tr.querySelector("th")?.textContent.includes(customer)
    );
    if (column < 0 || !row) {
        throw new Error(`No Win Rate column or no row for ${customer}`);
    }
    return row.querySelectorAll("td")[column].textContent.trim();
}

registry.category("web_tour.tours").add("tracelink_crm_win_rate_tour", {
    url: "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_customer",
    steps: () => [
        {
            trigger: ".o_pivot tbody th:contains('Rate Open Customer')",
            content: "No closed case: no win rate; only lost ones: 0",
            run() {
                const open = winRateOf("Rate Open Customer");
                const lost = winRateOf("Rate Lost Customer");
                if (open !== "–") {
                    throw new Error(`Win rate without closed cases reads "${open}"`);
                }
                if (lost !== "0.00") {
                    throw new Error(`Win rate of only lost cases reads "${lost}"`);
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("tracelink_crm_partner_win_rate_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .oe_stat_button:contains('Won/Lost/Open'):contains('– % won')",
            content: "The customer's button has no win rate without closed cases",
        },
    ],
});
