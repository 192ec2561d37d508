from odoo import fields, models
from odoo.exceptions import UserError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Orders from cases, per company (res.company); labels and help from there.
    tracelink_order_product_id = fields.Many2one(
        related="company_id.tracelink_order_product_id", readonly=False
    )
    tracelink_order_auto_send = fields.Boolean(
        related="company_id.tracelink_order_auto_send", readonly=False
    )
    # Offered as Odoo offers its optional modules: ticking installs it.
    module_tracelink_economic = fields.Boolean(string="e-conomic")

    def action_open_economic_connection(self):
        self.ensure_one()
        if "tracelink.economic.connection" not in self.env:
            raise UserError(self.env._("Tick e-conomic and save to install it first."))
        Connection = self.env["tracelink.economic.connection"]
        return Connection._get_company_action(self.company_id)
