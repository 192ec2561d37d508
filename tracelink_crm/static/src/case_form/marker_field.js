/** @odoo-module **/
/*
 * A boolean shown as a plain icon when set (the red clock of an overdue case,
 * the lock of a closed one), titled with the field's label: a marker to read,
 * not a button to press. options="{'icon': 'fa-clock-o text-danger'}"
 */
import { registry } from "@web/core/registry";
import { Component } from "@odoo/owl";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

export class MarkerField extends Component {
    static template = "tracelink_crm.MarkerField";
    static props = { ...standardFieldProps, icon: { type: String } };

    get title() {
        return this.props.record.fields[this.props.name].string;
    }
}

registry.category("fields").add("tracelink_marker", {
    component: MarkerField,
    supportedTypes: ["boolean"],
    listViewWidth: 20,
    extractProps: ({ options }) => ({ icon: options.icon || "fa-check" }),
});
