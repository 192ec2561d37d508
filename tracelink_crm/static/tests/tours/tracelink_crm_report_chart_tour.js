/** @odoo-module **/
/*
 * The report charts: the status pie's legend in the colours of its slices;
 * the Won/Lost chart with every month of the chosen interval, the empty ones
 * as 0, and only the Won and Lost series.
 */
import { registry } from "@web/core/registry";

function chart() {
    const canvas = document.querySelector(".o_graph_renderer canvas");
    return canvas && window.Chart && window.Chart.getChart(canvas);
}

registry.category("web_tour.tours").add("tracelink_crm_status_legend_tour", {
    url: "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_status",
    steps: () => [
        {
            trigger: ".o_graph_renderer canvas",
            content: "Each legend item has the colour of its slice",
            run() {
                const instance = chart();
                const colors = instance.data.datasets[0].backgroundColor;
                const items = instance.legend.legendItems;
                if (items.length !== instance.data.labels.length) {
                    throw new Error(`${items.length} legend items for ${instance.data.labels.length} slices`);
                }
                for (const item of items) {
                    if (item.fillStyle !== colors[item.index]) {
                        throw new Error(
                            `${item.text}: legend ${item.fillStyle}, slice ${colors[item.index]}`
                        );
                    }
                }
                const won = items.find((item) => item.text === "Won");
                const lost = items.find((item) => item.text === "Lost");
                if (won?.fillStyle !== "#28a745" || lost?.fillStyle !== "#dc3545") {
                    throw new Error("Won is not green or Lost not red in the legend");
                }
            },
        },
    ],
});

registry.category("web_tour.tours").add("tracelink_crm_winloss_periods_tour", {
    url: "/odoo/action-tracelink_crm.tracelink_crm_winloss_wizard_action",
    steps: () => [
        {
            trigger: ".modal .o_field_widget[name=period] input[data-value='this_year']",
            content: "Pick this year, per month",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=won_count]:contains('1')",
        },
        {
            trigger: ".modal button[name=action_show_chart]",
            run: "click",
        },
        {
            trigger: ".o_graph_view .o_graph_renderer canvas",
            content: "Twelve months, one won case, no empty series",
            run() {
                const { labels, datasets } = chart().data;
                if (labels.length !== 12) {
                    throw new Error(`${labels.length} months shown: ${labels.join(", ")}`);
                }
                const names = datasets.map((dataset) => dataset.label).sort();
                if (JSON.stringify(names) !== JSON.stringify(["Won"])) {
                    throw new Error(`Series shown: ${names.join(", ")}`);
                }
                const won = datasets[0].data;
                if (won.filter((value) => value === 0).length !== 11) {
                    throw new Error(`Won per month: ${won.join(", ")}`);
                }
            },
        },
    ],
});
