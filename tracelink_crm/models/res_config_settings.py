from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Orders from cases, per company (res.company); labels and help from there.
    tracelink_order_product_id = fields.Many2one(
        related="company_id.tracelink_order_product_id", readonly=False
    )
    tracelink_order_auto_send = fields.Boolean(
        related="company_id.tracelink_order_auto_send", readonly=False
    )
