from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    production_start_date = fields.Date(
        string="Production Start",
        tracking=True,
        copy=False,
        help="Date on which production of this order starts.",
    )
    is_closed = fields.Boolean(
        string="Closed",
        compute="_compute_is_closed",
        help="The order is locked or cancelled: it can no longer be changed.",
    )

    @api.depends("state", "locked")
    def _compute_is_closed(self):
        for order in self:
            order.is_closed = order.state == "cancel" or order.locked
