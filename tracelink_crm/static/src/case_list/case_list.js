/** @odoo-module **/
/*
 * The case list: New at the top opens the case form; "Add a case" at the
 * bottom adds a row to fill in place (case, customer, value, ...). Existing
 * cases open in the form, as in a list that is not editable.
 * <list js_class="tracelink_case_list" editable="bottom">
 *     <control><create string="Add a case"/></control>
 */
import { registry } from "@web/core/registry";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";
import { ListRenderer } from "@web/views/list/list_renderer";

export class CaseListRenderer extends ListRenderer {
    get displayRowCreates() {
        return this.canCreate && !this.props.list.isGrouped;
    }

    get getEmptyRowIds() {
        return [];
    }

    isInlineEditable(record) {
        return super.isInlineEditable(record) && record.isNew;
    }

    add(params) {
        super.add({ ...params, tracelinkInRow: true });
    }
}

export class CaseListController extends ListController {
    async createRecord(params = {}) {
        if (params.tracelinkInRow) {
            return super.createRecord(params);
        }
        // New: the case form, as in a list that is not editable
        return this.props.createRecord();
    }
}

registry.category("views").add("tracelink_case_list", {
    ...listView,
    Controller: CaseListController,
    Renderer: CaseListRenderer,
});
