from odoo import api, fields, models


class CrmLeadLine(models.Model):
    """A product the customer wants made or delivered, on a case."""

    _name = "crm.lead.line"
    _description = "Case Product Line"
    _order = "lead_id, sequence, id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead",
        string="Case",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="lead_id.company_id", store=True)
    currency_id = fields.Many2one(related="lead_id.company_currency")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain=[("sale_ok", "=", True)],
    )
    product_uom_qty = fields.Float(
        string="Quantity",
        digits="Product Unit of Measure",
        default=1.0,
        required=True,
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    price_unit = fields.Monetary(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    price_subtotal = fields.Monetary(
        string="Subtotal",
        compute="_compute_price_subtotal",
        store=True,
    )

    _sql_constraints = [
        (
            "product_uom_qty_positive",
            "CHECK(product_uom_qty > 0)",
            "The quantity of a case line must be positive.",
        ),
    ]

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("product_uom_qty", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.product_uom_qty * line.price_unit
