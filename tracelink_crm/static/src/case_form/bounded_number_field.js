/** @odoo-module **/
/*
 * A number typed outside its bounds is refused as it is typed: the field
 * turns red, a message under it says what is allowed, and the record keeps
 * its last valid value (so the form draws nothing from the refused one, e.g.
 * no Won ribbon for a probability of 150). Bounds come from the field's
 * options: options="{'min': 0, 'max': 100}".
 */
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useState } from "@odoo/owl";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { MonetaryField, monetaryField } from "@web/views/fields/monetary/monetary_field";
import { parseMonetary } from "@web/views/fields/parsers";

function boundsMessage(min, max) {
    if (min === 0 && max === undefined) {
        return _t("Must not be negative.");
    }
    if (max === undefined) {
        return _t("Must be at least %(min)s.", { min });
    }
    return _t("Must be between %(min)s and %(max)s.", { min, max });
}

const boundedProps = {
    min: { type: Number, optional: true },
    max: { type: Number, optional: true },
};

function extractBounds({ options }) {
    return { min: options.min, max: options.max };
}

const BoundedMixin = (FieldClass) =>
    class extends FieldClass {
        static template = "tracelink_crm.BoundedNumberField";
        static props = { ...FieldClass.props, ...boundedProps };

        setup() {
            super.setup();
            this.bounds = useState({ message: "" });
            this.fieldTemplate = FieldClass.template;
        }

        /** The typed number, or an error when it is out of bounds. */
        checkBounds(value) {
            const { min, max } = this.props;
            const outside =
                typeof value === "number" &&
                ((min !== undefined && value < min) || (max !== undefined && value > max));
            this.bounds.message = outside ? boundsMessage(min, max) : "";
            if (outside) {
                throw new Error(this.bounds.message);
            }
            if (this.props.record.isFieldInvalid(this.props.name)) {
                this.props.record.resetFieldValidity(this.props.name);
            }
            return value;
        }

        get showBoundsMessage() {
            return (
                Boolean(this.bounds.message) &&
                this.props.record.isFieldInvalid(this.props.name)
            );
        }
    };

export class BoundedFloatField extends BoundedMixin(FloatField) {
    parse(value) {
        return this.checkBounds(super.parse(value));
    }
}

export class BoundedMonetaryField extends BoundedMixin(MonetaryField) {
    get inputOptions() {
        return {
            ...super.inputOptions,
            parse: (value) => this.checkBounds(parseMonetary(value)),
        };
    }
}

registry.category("fields").add("tracelink_bounded_float", {
    ...floatField,
    component: BoundedFloatField,
    extractProps: (info, dynamicInfo) => ({
        ...floatField.extractProps(info, dynamicInfo),
        ...extractBounds(info),
    }),
});

registry.category("fields").add("tracelink_bounded_monetary", {
    ...monetaryField,
    component: BoundedMonetaryField,
    extractProps: (info, dynamicInfo) => ({
        ...monetaryField.extractProps(info, dynamicInfo),
        ...extractBounds(info),
    }),
});
