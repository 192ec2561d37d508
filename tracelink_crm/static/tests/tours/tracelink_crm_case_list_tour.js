/** @odoo-module **/
/*
 * The case list as a salesperson sees it at 1280 px: case and customer names
 * of 30 characters read whole; an empty list helps in Danish.
 */
import { registry } from "@web/core/registry";

const LONG_CASE = "Svejste rammer til lagerhallen"; // 30 characters
const LONG_CUSTOMER = "Vejle Maskinfabrik og Stål ApS"; // 30 characters

function assertWhole(cell, what) {
    if (!cell) {
        throw new Error(`${what}: no cell`);
    }
    const text = cell.textContent.trim();
    if (cell.scrollWidth > cell.clientWidth + 1) {
        throw new Error(
            `${what} "${text}" is cut: ${cell.clientWidth} px shown of ${cell.scrollWidth} px`
        );
    }
}

registry.category("web_tour.tours").add("tracelink_crm_case_list_width_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: `.o_list_view .o_data_row td[name=name]:contains('${LONG_CASE}')`,
            content: "Case and Customer read whole at 1280 px",
            run() {
                if (window.innerWidth > 1280) {
                    throw new Error(`The window is ${window.innerWidth} px wide, not 1280`);
                }
                const widths = Object.fromEntries(
                    [...document.querySelectorAll(".o_list_view thead th")].map((th, i) => [
                        th.dataset.name || `#${i}`,
                        Math.round(th.getBoundingClientRect().width),
                    ])
                );
                console.log(`column widths at 1280 px: ${JSON.stringify(widths)}`);
                const row = [...document.querySelectorAll(".o_list_view .o_data_row")].find(
                    (tr) => tr.textContent.includes(LONG_CASE)
                );
                assertWhole(row.querySelector("td[name=name]"), "Case");
                const customer = row.querySelector("td[name=partner_id]");
                if (!customer.textContent.includes(LONG_CUSTOMER)) {
                    throw new Error(`The customer is not ${LONG_CUSTOMER}`);
                }
                assertWhole(customer, "Customer");
            },
        },
        {
            trigger: `.o_list_view .o_data_row:contains('${LONG_CASE}') td[name=user_id] .o_avatar`,
            content: "The salesperson is an avatar",
        },
    ],
});

registry.category("web_tour.tours").add("tracelink_crm_empty_case_list_tour", {
    url: "/odoo/cases",
    steps: () => [
        {
            trigger: ".o_list_view .o_view_nocontent:contains('Tilføj din første sag')",
            content: "A new salesperson is told in Danish how to add a first case",
        },
        {
            trigger: ".o_list_view:not(:has(.o_sample_data)):not(:has(.o_data_row))",
            content: "No sample rows in dollars and Latin",
        },
    ],
});
