/** @odoo-module **/
/*
 * The status pie's legend in the colours of its slices.
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
