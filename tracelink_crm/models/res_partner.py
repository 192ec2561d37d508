from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, sql

from ..tools.cvr import cvr_from_text, cvr_variants
from ..tools.statistics import win_rate
from .tracelink_cvr_api import CVR_PROVIDER_SELECTION, CVR_STATE_SELECTION


class ResPartner(models.Model):
    _inherit = "res.partner"

    case_won_count = fields.Integer(
        string="Won Cases",
        compute="_compute_case_statistics",
        groups="sales_team.group_sale_salesman",
    )
    case_lost_count = fields.Integer(
        string="Lost Cases",
        compute="_compute_case_statistics",
        groups="sales_team.group_sale_salesman",
    )
    case_open_count = fields.Integer(
        string="Open Cases",
        compute="_compute_case_statistics",
        groups="sales_team.group_sale_salesman",
    )
    case_win_rate = fields.Float(
        string="Win Rate (%)",
        compute="_compute_case_statistics",
        groups="sales_team.group_sale_salesman",
        help="Won cases out of the won and lost ones.",
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
        CVR_STATE_SELECTION,
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
        copy=False,
        tracking=True,
        help="Number of this customer in e-conomic; unique per company.",
    )
    economic_last_sync = fields.Datetime(
        string="e-conomic Last Sync",
        copy=False,
        readonly=True,
        help="When this contact was last created, found or imported from e-conomic.",
    )
    economic_enabled = fields.Boolean(
        string="e-conomic Connected",
        compute="_compute_economic_enabled",
    )

    # The unique index behind this name is created in init(): unique per
    # company, where no company counts as one more company.
    _sql_constraints = [
        (
            "economic_customer_number_uniq",
            "",
            "This e-conomic customer number is already used by another contact "
            "of the same company.",
        ),
    ]

    def init(self):
        res = super().init()
        index = "res_partner_economic_customer_number_uniq"
        if not sql.index_exists(self.env.cr, index):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX %s ON res_partner "
                    "(economic_customer_number, COALESCE(company_id, 0)) "
                    "WHERE economic_customer_number <> 0",
                    SQL.identifier(index),
                )
            )
        return res

    def _compute_case_statistics(self):
        """Counts over the customer's company and its contacts, from the case
        statistics (archived won/lost cases included; the user's own cases
        only when the user may only see those)."""
        commercial = self.commercial_partner_id
        groups = self.env["tracelink.crm.case.report"]._read_group(
            [("partner_id", "in", commercial.ids)],
            groupby=["partner_id"],
            aggregates=["won_count:sum", "lost_count:sum", "open_count:sum"],
        )
        by_partner = {partner: counts for partner, *counts in groups}
        for partner in self:
            won, lost, open_ = by_partner.get(partner.commercial_partner_id, (0, 0, 0))
            partner.case_won_count = won
            partner.case_lost_count = lost
            partner.case_open_count = open_
            partner.case_win_rate = win_rate(won, lost) or 0.0

    @api.depends_context("company")
    @api.depends("company_id.economic_enabled")
    def _compute_economic_enabled(self):
        for partner in self:
            company = partner.company_id or self.env.company
            partner.economic_enabled = company.economic_enabled

    @api.constrains("economic_customer_number", "company_id")
    def _check_economic_customer_number(self):
        """One contact per e-conomic number in a company.

        A contact without company is seen by every company, so its number may
        not be used by any other contact either.
        """
        linked = self.filtered("economic_customer_number")
        if not linked:
            return
        if any(number < 0 for number in linked.mapped("economic_customer_number")):
            raise ValidationError(
                self.env._("An e-conomic customer number cannot be negative.")
            )
        same_numbers = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    (
                        "economic_customer_number",
                        "in",
                        linked.mapped("economic_customer_number"),
                    )
                ]
            )
        )
        by_number = defaultdict(list)
        for partner in same_numbers:
            by_number[partner.economic_customer_number].append(partner)
        for partner in linked:
            for other in by_number[partner.economic_customer_number]:
                if other.id == partner.id:
                    continue
                if (
                    not other.company_id
                    or not partner.company_id
                    or other.company_id == partner.company_id
                ):
                    raise ValidationError(
                        self.env._(
                            "The e-conomic customer number %(number)s of %(partner)s "
                            "is already used by %(other)s.",
                            number=partner.economic_customer_number,
                            partner=partner.display_name,
                            other=other.display_name,
                        )
                    )

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
        """Re-read the register data of this company and tell what changed.

        The changes are written, posted in the chatter and shown in a
        notification; fields the register leaves empty are kept.
        """
        self.ensure_one()
        # Rights first: nothing is asked of the register for someone who may
        # not change this contact.
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
        provider = Api._cvr_provider_label(company.get("provider"))
        if changes:
            items = Markup().join(
                Markup("<li>%s: %s → %s</li>") % change for change in changes
            )
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Refreshed from the CVR register (%s):", provider),
                items,
            )
            message = "; ".join(
                f"{label}: {old} → {new}" for label, old, new in changes
            )
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
        """Find this company by CVR in e-conomic, or create it there; link it."""
        self.ensure_one()
        if self.economic_customer_number:
            raise UserError(
                self.env._(
                    "%(partner)s is already e-conomic customer %(number)s.",
                    partner=self.display_name,
                    number=self.economic_customer_number,
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
        company = self.company_id or self.env.company
        customer, created = self.env["tracelink.economic.api"]._ensure_customer(
            self, company
        )
        number = customer["customerNumber"]
        self.write(
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
        """The customer company with this CVR number; public API (XML-RPC).

        The rules of the New CVR customer wizard: the company partner that
        already has the number is reused (no look-up); otherwise the company
        is looked up in the CVR register and created (in e-conomic first when
        it is connected).

        :param cvr: a CVR number, with or without DK, spaces or dashes.
        :param confirm_ceased: also use a company the register does not show
            as active (ceased, under bankruptcy, ...); refused otherwise.
        :return: the ``res.partner`` id.
        :raise AccessError: the user is no salesperson or may not create
            contacts.
        :raise UserError: invalid number, unknown company, company not active
            without ``confirm_ceased``, or the register failed.
        """
        self._check_cvr_user()
        Api = self.env["tracelink.cvr.api"]
        number = Api._cvr_normalize(cvr)
        partner = self._find_cvr_partner(number)
        if partner:
            return partner.id
        self.check_access("create")
        company = Api._cvr_get(number)
        if company["state"] != "active" and not confirm_ceased:
            state = dict(self._fields["cvr_status"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(name)s is “%(state)s” according to the CVR register: call "
                    "again with confirm_ceased=True to use it anyway.",
                    name=company["name"],
                    state=state[company["state"]],
                )
            )
        return self._cvr_find_or_create(company)[0].id

    @api.model
    def _check_cvr_user(self):
        """Look-ups in the CVR register are for salespeople only."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._(
                    "Only salespeople may look companies up in the CVR register."
                )
            )

    @api.model
    def _cvr_find_or_create(self, company_dict, company=None):
        """The partner of a register company: reused when one has its CVR
        number, else created from the register data (after
        :meth:`_prepare_customer_from_cvr`). Returns ``(partner, reused)``."""
        partner = self._find_cvr_partner(company_dict["cvr"], company)
        if partner:
            return partner, True
        vals = self.env["tracelink.cvr.api"]._prepare_partner_vals_from_cvr(
            company_dict
        )
        return self.create(self._prepare_customer_from_cvr(vals)), False

    def _get_cvr_number(self):
        """The CVR number of this partner (Company ID, else a Danish VAT
        number) as 8 digits, or False."""
        self.ensure_one()
        return cvr_from_text(self.company_registry) or cvr_from_text(self.vat) or False

    @api.model
    def _find_partners_by_cvr(self, cvrs, company=None, domain=None):
        """The company partners carrying these CVR numbers, as ``{cvr: partner}``.

        The one search of a customer by CVR number, used by the New CVR
        customer wizard, Refresh from CVR, the e-conomic import and the API: a
        partner without parent that belongs to ``company`` or to no company,
        whose Company ID or VAT number is the number (with or without DK,
        spaces or dashes); active ones first, then the company's own, then the
        oldest. ``domain`` narrows the candidates further.

        :param cvrs: 8-digit CVR numbers (normalize typed ones first).
        """
        company = company or self.env.company
        cvrs = {cvr for cvr in cvrs if cvr}
        if not cvrs:
            return {}
        partners = self.search(
            [
                ("parent_id", "=", False),
                ("company_id", "in", [False, company.id]),
                "|",
                ("company_registry", "in", [v for c in cvrs for v in cvr_variants(c)]),
                ("vat", "in", [v for c in cvrs for v in cvr_variants(c)]),
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

    @api.model
    def _find_cvr_partner(self, cvr, company=None):
        """The company partner with this CVR number (see
        :meth:`_find_partners_by_cvr`), or an empty recordset."""
        return self._find_partners_by_cvr([cvr], company).get(cvr, self.browse())

    def _apply_cvr_values(self, vals):
        """Write the register values that differ; return the changes as
        (field label, old value, new value) texts.

        A text the register leaves empty does not erase what is stored, and
        the numbers identifying the company (VAT, Company ID) are only filled
        when missing.
        """
        self.ensure_one()
        updates = {
            "cvr_lookup_date": vals.get("cvr_lookup_date") or fields.Datetime.now(),
            "cvr_provider": vals.get("cvr_provider") or False,
        }
        changes = []
        for name, new in vals.items():
            if name in updates or name == "is_company":
                continue
            field = self._fields[name]
            old = self[name]
            old_value = old.id if field.type == "many2one" else old
            if field.type in ("char", "many2one") and not new:
                continue
            if name in ("vat", "company_registry") and old_value:
                continue
            if (old_value or False) == (new or False):
                continue
            updates[name] = new
            changes.append(
                (
                    field._description_string(self.env),
                    self._cvr_display_value(name, old_value),
                    self._cvr_display_value(name, new),
                )
            )
        self.write(updates)
        return changes

    def _cvr_display_value(self, name, value):
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
        """Extension point of the New CVR customer wizard.

        Called with the values of the company partner about to be created,
        before anything is created. When e-conomic is connected for the
        company, the customer is first found (by CVR) or created there and its
        customer number is added to the values. Raising (``UserError``) stops
        the creation: nothing is created in Odoo.
        """
        company = self.env["res.company"].browse(vals.get("company_id"))
        company = company or self.env.company
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
