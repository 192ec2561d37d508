from odoo import fields, models


class CrmLeadConvertOrderWizard(models.TransientModel):
    """Pick which quotation of a won case becomes its order."""

    _name = "tracelink.crm.convert.order.wizard"
    _description = "Convert a Case to an Order"

    lead_id = fields.Many2one(
        "crm.lead",
        string="Case",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        required=True,
        domain="[('opportunity_id', '=', lead_id), ('state', 'in', ('draft', 'sent'))]",
        help="The quotation to confirm as the case's order. The other quotations "
        "of the case stay as they are.",
    )

    def action_convert(self):
        self.ensure_one()
        # action_convert_to_order drops the dialog's default_* keys
        return self.lead_id.action_convert_to_order(quotation_id=self.sale_order_id.id)
