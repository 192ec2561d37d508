/** @odoo-module **/

import { registry } from "@web/core/registry";

const LOST_COLUMN = ".o_kanban_group:has(.o_column_title:contains('Lost'))";
const OFFER_COLUMN = ".o_kanban_group:has(.o_column_title:contains('Tilbud sendt'))";

registry.category("web_tour.tours").add("tracelink_crm_case_kanban_lost_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_view .o_kanban_record:contains('Kanban sag')",
            content: "Drop the case on the Lost column",
            run: `drag_and_drop (${LOST_COLUMN})`,
        },
        {
            trigger: ".modal .o_field_widget[name=lost_reason_id] input",
            content: "Odoo's lost-reason dialog opens",
            run: "edit For dyrt",
        },
        {
            trigger: ".ui-autocomplete a:contains('For dyrt')",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_lost_reason_apply]",
            run: "click",
        },
        {
            trigger: `body:not(:has(.modal)) ${LOST_COLUMN} .o_kanban_record:contains('Kanban sag')`,
            content: "The lost case is in the Lost column",
        },
        {
            trigger: `${LOST_COLUMN} .o_kanban_record:contains('Kanban sag')`,
            content: "Drag it out onto a status: restored there",
            run: `drag_and_drop (${OFFER_COLUMN})`,
        },
        {
            trigger: `${OFFER_COLUMN} .o_kanban_record:contains('Kanban sag')`,
        },
        {
            trigger: ".o_kanban_record:contains('Kanban konverteret')",
            content: "Open the converted case",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_tracelink_converted:contains('Converted to order')",
            content: "A line under the status bar names the order",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button:disabled",
            content: "The status bar cannot be clicked",
        },
        {
            trigger:
                ".o_form_view .o_statusbar_buttons:not(:has(button:contains('Lost')))",
            content: "No Lost button",
        },
    ],
});
