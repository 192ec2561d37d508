/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Many2OneField, many2OneField } from "@web/views/fields/many2one/many2one_field";
import { Many2XAutocomplete } from "@web/views/fields/relational_utils";

/**
 * A partner field whose drop-down ends with "New CVR customer": the New CVR
 * customer wizard opens on what was typed and puts the partner it creates (or
 * finds) in the field. For a field without room for the button beside it,
 * e.g. in a list row: widget="tracelink_cvr_customer_many2one".
 */
export class CvrCustomerAutocomplete extends Many2XAutocomplete {
    static props = { ...Many2XAutocomplete.props, onNewCvrCustomer: Function };

    async loadOptionsSource(request) {
        const options = await super.loadOptionsSource(request);
        options.push({
            label: _t("New CVR customer"),
            classList: "o_m2o_dropdown_option o_tracelink_cvr_customer_option",
            action: () => this.props.onNewCvrCustomer(request),
        });
        return options;
    }
}

export class CvrCustomerMany2OneField extends Many2OneField {
    static components = { ...Many2OneField.components, Many2XAutocomplete: CvrCustomerAutocomplete };

    setup() {
        super.setup();
        this.action = useService("action");
    }

    get Many2XAutocompleteProps() {
        return {
            ...super.Many2XAutocompleteProps,
            onNewCvrCustomer: (term) => this.openCvrCustomer(term),
        };
    }

    async openCvrCustomer(term) {
        const { record, name } = this.props;
        await this.action.doAction("tracelink_cvr.tracelink_cvr_customer_wizard_action", {
            additionalContext: { tracelink_cvr_return_partner: true, default_search_term: term },
            onClose: async (infos) => {
                const partner = infos && infos.tracelink_cvr_partner;
                if (partner) {
                    await record.update({ [name]: [partner.id, partner.display_name] });
                }
            },
        });
    }
}

registry.category("fields").add("tracelink_cvr_customer_many2one", {
    ...many2OneField,
    component: CvrCustomerMany2OneField,
});
