from odoo import fields, models
from odoo.tools import clean_context


class CrmLeadPlainOrderWizard(models.TransientModel):
    """Asked before converting a case whose products cannot all be made."""

    _name = "tracelink.crm.plain.order.wizard"
    _description = "Convert a Case as a Plain Order"

    lead_id = fields.Many2one(
        "crm.lead",
        string="Case",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    quotation_id = fields.Many2one(
        "sale.order",
        readonly=True,
        help="The quotation of the case that becomes its order, if any.",
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Products That Cannot Be Made",
        readonly=True,
    )
    reasons = fields.Text(readonly=True)

    def action_convert_plain(self):
        """Convert anyway: the products that cannot be made are delivered
        from stock; the others are made as usual."""
        self.ensure_one()
        lead = self.lead_id.with_context(
            clean_context(self.env.context), tracelink_plain_order=True
        )
        return lead.action_convert_to_order(quotation_id=self.quotation_id.id or None)
