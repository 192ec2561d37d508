/** @odoo-module **/
/*
 * The case kanban is grouped by status: a case dropped on the Lost column is
 * lost through Odoo's own lost-reason dialog (the card moves there once the
 * dialog is confirmed, and stays where it was when it is discarded); one
 * dragged out of it is restored by the server (crm.lead._inverse_status_id).
 * A column added to it comes before Won and Lost, where the server puts it.
 */
import { patch } from "@web/core/utils/patch";
import {
    CrmKanbanDynamicGroupList,
    CrmKanbanModel,
} from "@crm/views/crm_kanban/crm_kanban_model";

CrmKanbanModel.services = [...CrmKanbanModel.services, "action"];

patch(CrmKanbanModel.prototype, {
    setup(params, services) {
        super.setup(...arguments);
        this.action = services.action;
    },
});

patch(CrmKanbanDynamicGroupList.prototype, {
    async createGroup() {
        await super.createGroup(...arguments);
        // The server keeps Won and Lost the last statuses (crm.stage
        // _keep_fixed_last): show the new column where it now is.
        if (this.resModel === "crm.lead" && this.groupByField.relation === "crm.stage") {
            await this.model.load();
        }
    },
    async moveRecord(dataRecordId, dataGroupId, refId, targetGroupId) {
        const sourceGroup = this.groups.find((group) => group.id === dataGroupId);
        const targetGroup = this.groups.find((group) => group.id === targetGroupId);
        if (
            dataGroupId === targetGroupId ||
            !sourceGroup ||
            !targetGroup ||
            targetGroup.groupByField.name !== "status_id" ||
            this.resModel !== "crm.lead"
        ) {
            return super.moveRecord(...arguments);
        }
        const [status] = await this.model.orm.read(
            "crm.stage",
            [targetGroup.value],
            ["is_lost"]
        );
        if (!status?.is_lost) {
            return super.moveRecord(...arguments);
        }
        const record = sourceGroup.list.records.find((rec) => rec.id === dataRecordId);
        await this.model.action.doAction("crm.crm_lead_lost_action", {
            additionalContext: {
                active_id: record.resId,
                active_ids: [record.resId],
                active_model: "crm.lead",
            },
            onClose: () => this.model.load(),
        });
    },
});
