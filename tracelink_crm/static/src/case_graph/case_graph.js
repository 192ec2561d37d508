/** @odoo-module **/
/*
 * Case charts as Tracelink draws them: Won green and Lost red wherever they
 * are a bar or a slice, and a click on a status of the status pie opens the
 * case list filtered on that status, the filter shown (and removable) in the
 * search bar.
 */
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
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
