from odoo import fields, models


class CrmLeadPlainOrderWizard(models.TransientModel):
    """Asked before converting a case whose products cannot all be made."""

    _name = "tracelink.crm.plain.order.wizard"
    _inherit = "tracelink.crm.convert.order.wizard"
    _description = "Convert a Case as a Plain Order"

    sale_order_id = fields.Many2one(
        required=False,
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
        return self.with_context(tracelink_plain_order=True).action_convert()
