from odoo import api, fields, models


class CrmLeadConvertStatusWizard(models.TransientModel):
    """Convert a case whose customer the CVR register no longer shows as
    active (under bankruptcy, ceased...) only once the user confirms it."""

    _name = "tracelink.crm.convert.status.wizard"
    _inherit = "tracelink.crm.convert.order.wizard"
    _description = "Convert a Case of a Customer Not Active in CVR"

    sale_order_id = fields.Many2one(required=False, readonly=True)
    message = fields.Char(compute="_compute_message")

    @api.depends("lead_id")
    def _compute_message(self):
        for wizard in self:
            customer = wizard.lead_id.partner_id.commercial_partner_id
            wizard.message = self.env._(
                "%(customer)s is “%(status)s” according to the CVR register. "
                "Convert the case to an order anyway?",
                customer=customer.display_name,
                status=customer._cvr_display_value("cvr_status", customer.cvr_status),
            )

    def action_convert(self):
        self.ensure_one()
        return self.lead_id.action_convert_to_order(
            quotation_id=self.sale_order_id.id or None, confirm_status=True
        )
