from datetime import datetime, time

from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    production_state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("progress", "In Progress"),
            ("done", "Done"),
            ("late", "Late"),
        ],
        compute="_compute_production_state",
        help="State of the manufacturing orders of the order: Late when one of "
        "them is past its deadline and not done yet.",
    )

    @api.depends_context("uid")
    def _compute_production_state(self):
        now = fields.Datetime.now()
        for order in self:
            productions = order.sudo().mrp_production_ids.filtered(
                lambda mo: mo.state != "cancel"
            )
            running = productions.filtered(lambda mo: mo.state != "done")
            if not productions:
                order.production_state = False
            elif not running:
                order.production_state = "done"
            elif any(mo.date_deadline and mo.date_deadline < now for mo in running):
                order.production_state = "late"
            elif any(mo.state in ("progress", "to_close") for mo in running):
                order.production_state = "progress"
            else:
                order.production_state = "waiting"

    def _action_confirm(self):
        res = super()._action_confirm()
        # the manufacturing orders the confirmation made start on the order's
        # production start date and are due on its delivery date
        for order in self.sudo():
            vals = {}
            if order.production_start_date:
                # 06:00 UTC: the start of the working day in Denmark
                vals["date_start"] = datetime.combine(
                    order.production_start_date, time(6)
                )
            if order.commitment_date:
                vals["date_deadline"] = order.commitment_date
            productions = order.mrp_production_ids.filtered(
                lambda mo: mo.state in ("draft", "confirmed")
            )
            if vals and productions:
                productions.write(vals)
        return res
