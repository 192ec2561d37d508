/** @odoo-module **/
/*
 * Case charts as Tracelink draws them: Won green and Lost red wherever they
 * are a bar or a slice, and a click on a status of the status pie opens the
 * case list filtered on that status, the filter shown (and removable) in the
 * search bar.
 */
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { GraphModel } from "@web/views/graph/graph_model";
import { graphView } from "@web/views/graph/graph_view";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

const CASE_MODELS = ["crm.lead", "tracelink.crm.case.report"];
const STATUS_COLORS = { won: "#28a745", lost: "#dc3545" };

/** label shown for won/lost (in the user's language) -> colour */
function statusColors(metaData) {
    const selection = metaData.fields.stage_kind?.selection || [];
    const colors = {};
    for (const [kind, label] of selection) {
        if (STATUS_COLORS[kind]) {
            colors[label] = STATUS_COLORS[kind];
        }
    }
    return colors;
}

patch(GraphModel.prototype, {
    _getProcessedDataPoints() {
        const processed = super._getProcessedDataPoints(...arguments);
        const { mode, order, resModel } = this.metaData;
        if (!CASE_MODELS.includes(resModel) || mode !== "bar" || order !== null) {
            return processed;
        }
        // Odoo's bars leave out empty groups, which are the weeks or months
        // the Won/Lost chart fills in (fill_temporal): keep them, as 0 in the
        // first series (they have no status: no "None" series)
        const series = processed[0]?.labels.slice(1);
        return this.dataPoints
            .filter((point) => processed.includes(point) || !point.count)
            .map((point) =>
                point.count || !series
                    ? point
                    : { ...point, value: 0, labels: [point.labels[0], ...series] }
            );
    },
});

patch(GraphRenderer.prototype, {
    getChartConfig() {
        const config = super.getChartConfig(...arguments);
        if (!CASE_MODELS.includes(this.model.metaData.resModel)) {
            return config;
        }
        const colors = statusColors(this.model.metaData);
        const { labels, datasets } = config.data;
        for (const dataset of datasets) {
            if (this.model.metaData.mode === "pie") {
                dataset.backgroundColor = labels.map(
                    (label, index) => colors[label] || dataset.backgroundColor[index]
                );
            } else if (colors[dataset.label]) {
                dataset.backgroundColor = colors[dataset.label];
                dataset.borderColor = colors[dataset.label];
            }
        }
        if (this.model.metaData.mode === "pie") {
            // Odoo colours the legend from its palette, not from the slices
            const labelsOptions = config.options.plugins?.legend?.labels;
            const generateLabels = labelsOptions?.generateLabels;
            if (generateLabels) {
                labelsOptions.generateLabels = (chart) =>
                    generateLabels(chart).map((item) => {
                        const fill = chart.data.datasets[0]?.backgroundColor?.[item.index];
                        return fill && item.fillStyle !== fill
                            ? { ...item, fillStyle: fill }
                            : item;
                    });
            }
        }
        return config;
    },
});

export class CaseStatusGraphRenderer extends GraphRenderer {
    onGraphClickedFinal(domain) {
        // the case report's status is stage_id, the case's status_id
        const condition = domain.find(
            (term) =>
                Array.isArray(term) &&
                ["stage_id", "status_id"].includes(term[0]) &&
                term[1] === "="
        );
        if (!condition || !condition[2]) {
            return super.onGraphClickedFinal(domain);
        }
        this.actionService.doAction("tracelink_crm.crm_lead_action_case", {
            additionalContext: { search_default_status_id: condition[2] },
            viewType: "list",
        });
    }
}

registry.category("views").add("tracelink_case_status_graph", {
    ...graphView,
    Renderer: CaseStatusGraphRenderer,
});
