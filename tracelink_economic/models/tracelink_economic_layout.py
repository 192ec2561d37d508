from odoo import api, fields, models


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

    @api.model
    def _store(self, company, items):
        """Keep ``company``'s layouts as e-conomic lists them (``items`` of
        ``GET /layouts``), archiving those gone; return how many it lists."""
        Layout = self.sudo().with_context(active_test=False)
        known = {
            layout.number: layout
            for layout in Layout.search([("company_id", "=", company.id)])
        }
        seen = set()
        for item in items:
            number = item.get("layoutNumber") if isinstance(item, dict) else None
            if not isinstance(number, int):
                continue
            seen.add(number)
            vals = {"name": str(item.get("name") or number), "active": True}
            if number in known:
                known[number].write(vals)
            else:
                Layout.create({**vals, "number": number, "company_id": company.id})
        for number, layout in known.items():
            if number not in seen:
                layout.active = False
        return len(seen)
