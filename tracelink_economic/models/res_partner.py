from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    economic_customer_number = fields.Integer(
        string="e-conomic Customer No.",
        company_dependent=True,
        copy=False,
        tracking=True,
        help="Number of this customer in the e-conomic agreement of the current "
        "company; each company keeps its own, unique in that company.",
    )
    economic_last_sync = fields.Datetime(
        string="e-conomic Last Sync",
        company_dependent=True,
        copy=False,
        readonly=True,
        help="When this contact was last created, found or imported from the "
        "current company's e-conomic.",
    )
    economic_enabled = fields.Boolean(
        string="e-conomic Connected",
        compute="_compute_economic_enabled",
    )

    @api.depends_context("company")
    @api.depends("company_id.economic_enabled")
    def _compute_economic_enabled(self):
        for partner in self:
            company = partner.company_id or self.env.company
            partner.economic_enabled = company.economic_enabled

    @api.constrains("economic_customer_number")
    def _check_economic_customer_number(self):
        """One contact per e-conomic number in the company it is written for."""
        self.env["tracelink.economic.api"]._check_unique_customer_numbers(self)

    def action_create_in_economic(self):
        """Find this company in e-conomic, or create it there, and link it in
        the partner's company (the current one for a shared partner)."""
        self.ensure_one()
        Api = self.env["tracelink.economic.api"]
        Api._check_customer_create_access(self)
        company = self.company_id or self.env.company
        partner = self.with_company(company)
        if partner.economic_customer_number:
            raise UserError(
                self.env._(
                    "%(partner)s is already e-conomic customer %(number)s.",
                    partner=partner.display_name,
                    number=partner.economic_customer_number,
                )
            )
        if not self.is_company or self.parent_id:
            raise UserError(
                self.env._(
                    "Only companies go to e-conomic as customers: %(partner)s is a "
                    "person or belongs to a company.",
                    partner=self.display_name,
                )
            )
        customer, created = Api._ensure_customer(partner, company)
        number = customer["customerNumber"]
        partner.write(
            {
                "economic_customer_number": number,
                "economic_last_sync": fields.Datetime.now(),
            }
        )
        if created:
            message = self.env._(
                "%(partner)s was created in e-conomic as customer %(number)s.",
                partner=self.display_name,
                number=number,
            )
        else:
            message = self.env._(
                "%(partner)s is linked to the existing e-conomic customer "
                "%(number)s (same CVR number).",
                partner=self.display_name,
                number=number,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "sticky": False},
        }

    @api.model
    def _prepare_customer_from_cvr(self, vals):
        """The values of a company partner about to be created from the
        register: found or created in e-conomic first when it is connected for
        the company (raising stops the creation)."""
        vals = super()._prepare_customer_from_cvr(vals)
        company = self.env.company
        if not company.economic_enabled:
            return vals
        customer, _created = self.env["tracelink.economic.api"]._ensure_customer(
            vals, company
        )
        return {
            **vals,
            "economic_customer_number": customer["customerNumber"],
            "economic_last_sync": fields.Datetime.now(),
        }
