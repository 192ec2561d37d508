from odoo import fields, models


class TracelinkEconomicLayout(models.Model):
    """A layout of a company's e-conomic agreement (read from ``/layouts``),
    to choose the one its invoices are drafted with."""

    _name = "tracelink.economic.layout"
    _description = "e-conomic Layout"
    _order = "company_id, number"

    name = fields.Char(required=True, readonly=True)
    number = fields.Integer(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "number_uniq",
            "unique(company_id, number)",
            "An e-conomic layout is read once per company.",
        ),
    ]

    def _compute_display_name(self):
        for layout in self:
            layout.display_name = f"{layout.number} {layout.name}"
