/** @odoo-module **/
/*
 * A form notebook page with tracelink_count="<field>" shows the field's
 * value after its title: "Same Customer (2)", as Tracelink's case form does.
 */
import { patch } from "@web/core/utils/patch";
import { FormCompiler } from "@web/views/form/form_compiler";
import { toStringExpression } from "@web/views/utils";

patch(FormCompiler.prototype, {
    compileNotebook(el, params) {
        const noteBook = super.compileNotebook(el, params);
        for (const page of el.querySelectorAll(":scope > page[tracelink_count]")) {
            const name = toStringExpression(page.getAttribute("name") || "");
            const slot = [...noteBook.children].find(
                (child) => child.getAttribute("name") === name
            );
            if (slot) {
                const count = JSON.stringify(page.getAttribute("tracelink_count"));
                slot.setAttribute(
                    "title",
                    `${slot.getAttribute("title")} + " (" + __comp__.props.record.data[${count}] + ")"`
                );
            }
        }
        return noteBook;
    },
});
