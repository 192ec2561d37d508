/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * "New CVR customer" next to a partner field: opens the New CVR customer
 * wizard and puts the partner it creates (or finds) in the field, also on a
 * record that is not saved yet.
 */
export class CvrCustomerButton extends Component {
    static template = "tracelink_cvr.CvrCustomerButton";
    static props = {
        ...standardWidgetProps,
        fieldName: { type: String },
    };

    setup() {
        this.action = useService("action");
    }

    async onClick() {
        const { record, fieldName } = this.props;
        await this.action.doAction("tracelink_cvr.tracelink_cvr_customer_wizard_action", {
            additionalContext: { tracelink_cvr_return_partner: true },
            onClose: async (infos) => {
                const partner = infos && infos.tracelink_cvr_partner;
                if (partner) {
                    await record.update({
                        [fieldName]: [partner.id, partner.display_name],
                    });
                }
            },
        });
    }
}

export const cvrCustomerButton = {
    component: CvrCustomerButton,
    extractProps: ({ attrs }) => ({
        fieldName: attrs.field || "partner_id",
    }),
};

registry.category("view_widgets").add("tracelink_cvr_customer_button", cvrCustomerButton);
