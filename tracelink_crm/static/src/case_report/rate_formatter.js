/** @odoo-module **/
/*
 * A win rate where no case was won or lost is no rate at all: "–", not 0 %
 * (which would read as "all lost"). Used by the report pivots:
 * <field name="win_rate" type="measure" widget="tracelink_rate"/>
 */
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/views/fields/formatters";

export function formatRate(value, options) {
    if (value === false || value === null || value === undefined) {
        return "–";
    }
    return formatFloat(value, options);
}

registry.category("formatters").add("tracelink_rate", formatRate);
