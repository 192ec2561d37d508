/** @odoo-module **/
/*
 * Case kanban: each status column says what its totals are, the value and
 * the weighted value of its cases in the company's currency (the figures of
 * the case list's group totals). The progress bar names the weighted value
 * (sum_field) and the value (tracelink_value_field):
 *   <progressbar sum_field="prorated_revenue" tracelink_value_field="expected_revenue" .../>
 */
import { getCurrency } from "@web/core/currency";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { extractAttributes } from "@web/core/utils/xml";
import { CrmColumnProgress } from "@crm/views/crm_kanban/crm_column_progress";
import { CrmKanbanArchParser } from "@crm/views/crm_kanban/crm_kanban_arch_parser";
import { CrmKanbanRenderer } from "@crm/views/crm_kanban/crm_kanban_renderer";
import { crmKanbanView } from "@crm/views/crm_kanban/crm_kanban_view";

class CaseKanbanArchParser extends CrmKanbanArchParser {
    parseProgressBar(progressBar, fields) {
        const result = super.parseProgressBar(...arguments);
        const attrs = extractAttributes(progressBar, ["tracelink_value_field"]);
        result.tracelink_value_field = fields[attrs.tracelink_value_field] || false;
        return result;
    }
}

export class CaseColumnProgress extends CrmColumnProgress {
    static template = "tracelink_crm.CaseColumnProgress";

    get totals() {
        const { progressAttributes } = this.props.progressBarState;
        // the company currency of the column's cases (that of the totals)
        const record = this.props.group.list.records.find((r) => r.data.company_currency);
        const companyCurrency = record?.data.company_currency;
        const currencyId = Array.isArray(companyCurrency) ? companyCurrency[0] : companyCurrency?.id;
        const currency = (currencyId && getCurrency(currencyId)) || false;
        const totals = [
            {
                name: "value",
                label: _t("Value"),
                field: progressAttributes.tracelink_value_field,
            },
            {
                name: "weighted",
                label: _t("Weighted"),
                field: progressAttributes.sumField,
            },
        ].filter((total) => total.field);
        return totals.map((total) => ({
            ...total,
            ...this.props.progressBarState.getAggregateValue(this.props.group, total.field),
            currency,
        }));
    }
}

class CaseKanbanHeader extends CrmKanbanRenderer.components.KanbanHeader {
    static components = {
        ...CrmKanbanRenderer.components.KanbanHeader.components,
        ColumnProgress: CaseColumnProgress,
    };
}

class CaseKanbanRenderer extends CrmKanbanRenderer {
    static components = { ...CrmKanbanRenderer.components, KanbanHeader: CaseKanbanHeader };
}

class CaseKanbanController extends crmKanbanView.Controller {
    get progressBarAggregateFields() {
        const fields = super.progressBarAggregateFields;
        const valueField = this.props.archInfo.progressAttributes?.tracelink_value_field;
        if (valueField) {
            fields.push(valueField);
        }
        return fields;
    }
}

registry.category("views").add("tracelink_case_kanban", {
    ...crmKanbanView,
    ArchParser: CaseKanbanArchParser,
    Controller: CaseKanbanController,
    Renderer: CaseKanbanRenderer,
});
