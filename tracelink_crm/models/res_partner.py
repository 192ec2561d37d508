from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.cvr import cvr_from_text, cvr_variants
from ..tools.cvr_client import REGISTER_STATES
from .tracelink_cvr_api import CVR_PROVIDER_SELECTION

_CASE_STATISTIC = {
    "compute": "_compute_case_statistics",
    "groups": "sales_team.group_sale_salesman",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    case_won_count = fields.Integer(string="Won Cases", **_CASE_STATISTIC)
    case_lost_count = fields.Integer(string="Lost Cases", **_CASE_STATISTIC)
    case_open_count = fields.Integer(string="Open Cases", **_CASE_STATISTIC)
    case_win_rate = fields.Float(
        string="Win Rate (%)",
        help="Won cases out of the won and lost ones.",
        **_CASE_STATISTIC,
    )

    cvr_industry_code = fields.Char(
        string="CVR Industry Code",
        help="Main industry code (DB07) in the CVR register.",
    )
    cvr_industry_text = fields.Char(
        string="CVR Industry", help="Main industry in the CVR register."
    )
    cvr_legal_form = fields.Char(string="Legal Form")
    cvr_status = fields.Selection(
        REGISTER_STATES,
        string="CVR Status",
        help="Whether the company still exists according to the CVR register.",
    )
    cvr_protected = fields.Boolean(
        string="Marketing Protection",
        help="The company has asked not to be contacted for marketing "
        "(“reklamebeskyttet” in the CVR register).",
    )
    cvr_lookup_date = fields.Datetime(
        string="CVR Look-up",
        readonly=True,
        copy=False,
        help="When the register data of this company were last read.",
    )
    cvr_provider = fields.Selection(
        CVR_PROVIDER_SELECTION,
        string="CVR Source",
        readonly=True,
        copy=False,
        help="The provider the register data were read from.",
    )

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

    def _compute_case_statistics(self):
        """Counts over the customer's company and its contacts, from the case
        statistics (archived won/lost cases included; the user's own cases
        only when the user may only see those)."""
        figures = ("won_count", "lost_count", "open_count", "win_rate")
        groups = self.env["tracelink.crm.case.report"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            groupby=["partner_id"],
            aggregates=[f"{name}:sum" for name in figures[:3]] + ["win_rate:avg"],
        )
        by_partner = {partner: values for partner, *values in groups}
        for partner in self:
            values = by_partner.get(partner.commercial_partner_id, (0, 0, 0, 0.0))
            for name, value in zip(figures, values, strict=True):
                partner[f"case_{name}"] = value

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

    @api.model
    def _commercial_fields(self):
        # The register data belong to the company, like its VAT number.
        return super()._commercial_fields() + [
            name for name in self._fields if name.startswith("cvr_")
        ]

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_crm.crm_lead_action_case"
        )
        action["domain"] = [
            ("type", "=", "opportunity"),
            ("partner_id", "child_of", self.commercial_partner_id.id),
        ]
        action["context"] = {
            "default_type": "opportunity",
            "default_partner_id": self.id,
            "tracelink_case": True,
        }
        return action

    def action_refresh_from_cvr(self):
        """Re-read the register data of this company; write, post in the
        chatter and show what changed."""
        self.ensure_one()
        # Nothing is asked of the register for someone who may not change it.
        self._check_cvr_user()
        self.check_access("write")
        cvr = self._get_cvr_number()
        if not (self.is_company and cvr):
            raise UserError(
                self.env._(
                    "Only a company with a CVR number (Company ID or a DK VAT "
                    "number) can be refreshed from the CVR register."
                )
            )
        Api = self.env["tracelink.cvr.api"]
        company = Api._cvr_get(
            cvr, company=self.company_id or self.env.company, use_cache=False
        )
        changes = self._apply_cvr_values(Api._prepare_partner_vals_from_cvr(company))
        provider = self._cvr_display_value("cvr_provider", company.get("provider"))
        if changes:
            items = Markup().join(Markup("<li>%s</li>") % change for change in changes)
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Refreshed from the CVR register (%s):", provider),
                items,
            )
            message = "; ".join(changes)
        else:
            body = Markup("<p>%s</p>") % self.env._(
                "Refreshed from the CVR register (%s): nothing has changed.", provider
            )
            message = self.env._("Nothing has changed.")
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Refreshed from CVR: %s", self.display_name),
                "message": message,
                "type": "success" if changes else "info",
                "sticky": bool(changes),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

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

    # --- CVR register ---------------------------------------------------

    @api.model
    def tracelink_find_or_create_from_cvr(self, cvr, confirm_ceased=False):
        """The id of the customer company with this CVR number (XML-RPC), by
        the rules of the New CVR customer wizard; a company the register does
        not show as active only with ``confirm_ceased``."""
        self._check_cvr_user()
        Api = self.env["tracelink.cvr.api"]
        number = Api._cvr_normalize(cvr)
        partner = self._find_partners_by_cvr([number]).get(number)
        if partner:
            return partner.id
        self.check_access("create")
        company = Api._cvr_get(number)
        if company["state"] != "active" and not confirm_ceased:
            raise UserError(
                self.env._(
                    "%(name)s is “%(state)s” according to the CVR register: call "
                    "again with confirm_ceased=True to use it anyway.",
                    name=company["name"],
                    state=self._cvr_display_value("cvr_status", company["state"]),
                )
            )
        return self._create_from_cvr(company).id

    @api.model
    def _check_cvr_user(self):
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._(
                    "Only salespeople may look companies up in the CVR register."
                )
            )

    @api.model
    def _create_from_cvr(self, company_dict):
        """A customer company made from a company dict of the register."""
        Api = self.env["tracelink.cvr.api"]
        vals = Api._prepare_partner_vals_from_cvr(company_dict)
        return self.create(self._prepare_customer_from_cvr(vals))

    def _get_cvr_number(self):
        """The CVR number of this partner (Company ID, else a Danish VAT
        number) as 8 digits, or False."""
        self.ensure_one()
        return cvr_from_text(self.company_registry) or cvr_from_text(self.vat) or False

    @api.model
    def _find_partners_by_cvr(self, cvrs, company=None, domain=None):
        """``{cvr: partner}`` for 8-digit CVR numbers: the one search of a
        customer by CVR number. A partner without parent of ``company`` or of
        no company whose Company ID or VAT number is the number; active ones
        first, then the company's own, then the oldest. ``domain`` narrows
        the candidates."""
        company = company or self.env.company
        cvrs = {cvr for cvr in cvrs if cvr}
        if not cvrs:
            return {}
        variants = [variant for cvr in cvrs for variant in cvr_variants(cvr)]
        partners = self.search(
            [
                ("parent_id", "=", False),
                ("company_id", "in", [False, company.id]),
                "|",
                ("company_registry", "in", variants),
                ("vat", "in", variants),
                *(domain or []),
            ],
            order="active desc, company_id, id",
        )
        found = {}
        for partner in partners:
            cvr = partner._get_cvr_number()
            if cvr in cvrs:
                found.setdefault(cvr, partner)
        return found

    def _apply_cvr_values(self, vals):
        """Write the register values that differ; return the changes as
        "field label: old value → new value" texts. An empty text does not
        erase what is stored; VAT and Company ID are only filled when empty."""
        self.ensure_one()
        updates = {key: vals[key] for key in ("cvr_lookup_date", "cvr_provider")}
        changes = []
        for name, new in vals.items():
            field = self._fields[name]
            old = self[name].id if field.type == "many2one" else self[name]
            if (
                name in updates
                or name == "is_company"
                or (field.type in ("char", "many2one") and not new)
                or (name in ("vat", "company_registry") and old)
                or (old or False) == (new or False)
            ):
                continue
            updates[name] = new
            changes.append(self._change_line(name, old, new))
        self.write(updates)
        return changes

    def _change_line(self, name, old, new):
        """ "Label: old → new" of a change of field ``name``, for the chatter
        (Refresh from CVR, e-conomic import)."""
        label = self._fields[name]._description_string(self.env)
        old, new = (self._cvr_display_value(name, value) for value in (old, new))
        return f"{label}: {old} → {new}"

    def _cvr_display_value(self, name, value):
        """``value`` of field ``name`` as people read it (labels, Yes/No)."""
        field = self._fields[name]
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if not value:
            return self.env._("(empty)")
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "many2one":
            return self.env[field.comodel_name].browse(value).display_name
        return str(value)

    @api.model
    def _prepare_customer_from_cvr(self, vals):
        """The values of a company partner about to be created from the
        register: found or created in e-conomic first when it is connected for
        the company (raising stops the creation)."""
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
