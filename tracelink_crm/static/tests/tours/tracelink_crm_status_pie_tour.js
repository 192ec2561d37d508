/** @odoo-module **/

import { registry } from "@web/core/registry";

function chart() {
    const canvas = document.querySelector(".o_graph_renderer canvas");
    return canvas && window.Chart && window.Chart.getChart(canvas);
}

registry.category("web_tour.tours").add("tracelink_crm_status_pie_tour", {
    url: "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_status",
    steps: () => [
        {
            trigger: ".o_graph_renderer canvas",
            content: "The status pie opens on the count, Won green and Lost red",
            run() {
                const { labels, datasets } = chart().data;
                // a count (whole and small), not an amount: the tests' cases
                // are worth 10,000 or more, and Lost ones weigh nothing
                const lost = datasets[0].data[labels.indexOf("Lost")];
                if (!(Number.isInteger(lost) && lost > 0 && lost < 1000)) {
                    throw new Error(`The Lost slice is ${lost}, not a count`);
                }
                const colors = datasets[0].backgroundColor;
                if (colors[labels.indexOf("Won")] !== "#28a745") {
                    throw new Error("Won is not green");
                }
                if (colors[labels.indexOf("Lost")] !== "#dc3545") {
                    throw new Error("Lost is not red");
                }
            },
        },
        {
            trigger: ".o_graph_renderer canvas",
            content: "Click the Lost slice",
            async run() {
                // let the pie finish its opening animation, then aim at the
                // slice's final position
                await new Promise((resolve) => setTimeout(resolve, 1000));
                const instance = chart();
                const index = instance.data.labels.indexOf("Lost");
                const point = instance.getDatasetMeta(0).data[index].tooltipPosition(true);
                const canvas = instance.canvas;
                const rect = canvas.getBoundingClientRect();
                const position = {
                    bubbles: true,
                    clientX: rect.left + point.x,
                    clientY: rect.top + point.y,
                };
                canvas.dispatchEvent(new MouseEvent("mousemove", position));
                canvas.dispatchEvent(new MouseEvent("click", position));
            },
        },
        {
            trigger: ".o_searchview_facet:contains('Lost')",
            content: "The case list is filtered on Lost, and says so in the search bar",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Pie lost case')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Pie open case')))",
        },
        {
            trigger: ".o_searchview_facet:contains('Lost') .o_facet_remove",
            content: "The filter can be removed",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Pie open case')",
        },
    ],
});
