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
        names = {
            item["layoutNumber"]: str(item.get("name") or item["layoutNumber"])
            for item in items
            if isinstance(item, dict) and isinstance(item.get("layoutNumber"), int)
        }
        Layout = self.sudo().with_context(active_test=False)
        known = Layout.search([("company_id", "=", company.id)])
        for layout in known:
            name = names.get(layout.number, layout.name)
            layout.write({"name": name, "active": layout.number in names})
        new = sorted(set(names) - set(known.mapped("number")))
        Layout.create(
            [{"name": names[n], "number": n, "company_id": company.id} for n in new]
        )
        return len(names)
