from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from ..tools.cvr import cvr_from_text, cvr_variants
from ..tools.cvr_client import PROVIDER_SELECTION, REGISTER_STATES, partner_values

# The watch's own fields, which a company's contacts do not share.
_WATCH_OWN_FIELDS = {"cvr_watch", "cvr_watched", "cvr_checked_date", "cvr_change_ids"}


class ResPartner(models.Model):
    _inherit = "res.partner"

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
        PROVIDER_SELECTION,
        string="CVR Source",
        readonly=True,
        copy=False,
        help="The provider the register data were read from.",
    )
    # The CVR watch
    cvr_watch = fields.Boolean(
        string="Watch in CVR",
        tracking=True,
        copy=False,
        help="The scheduled CVR watch checks this company in the register every "
        "day, as it does every company with an open case or an order not yet "
        "delivered or paid.",
    )
    cvr_watched = fields.Boolean(
        string="Watched in CVR",
        compute="_compute_cvr_watched",
        search="_search_cvr_watched",
        help="A company with a CVR number that the scheduled CVR watch checks.",
    )
    cvr_checked_date = fields.Datetime(
        string="CVR Checked",
        readonly=True,
        copy=False,
        help="When the register data of this company were last found current "
        "(by the CVR watch or a look-up).",
    )
    cvr_change_ids = fields.One2many(
        "tracelink.cvr.change", "partner_id", string="CVR Changes", readonly=True
    )

    @api.model
    def _commercial_fields(self):
        # The register data belong to the company, like its VAT number.
        return super()._commercial_fields() + [
            name
            for name in self._fields
            if name.startswith("cvr_") and name not in _WATCH_OWN_FIELDS
        ]

    def _compute_cvr_watched(self):
        watched = self.with_context(active_test=False).search(
            [("id", "in", self._origin.ids), ("cvr_watched", "=", True)]
        )
        for partner in self:
            partner.cvr_watched = partner._origin in watched

    def _search_cvr_watched(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Watched in CVR."))
        # companies that may have a CVR number (checked when looked up)
        domain = [
            ("is_company", "=", True),
            ("parent_id", "=", False),
            "|",
            ("company_registry", "!=", False),
            ("vat", "=ilike", "DK%"),
            *expression.OR(self._cvr_watch_domains()),
        ]
        if (operator == "=") == value:
            return domain
        return [("id", "not in", self.with_context(active_test=False)._search(domain))]

    @api.model
    def _cvr_watch_domains(self):
        """The domains (OR'ed) of the companies the CVR watch checks besides
        their CVR number: the hook for the addons that know why a customer
        matters (tracelink_crm: open cases, orders not delivered or paid)."""
        return [[("cvr_watch", "=", True)]]

    def action_refresh_from_cvr(self):
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
        company = self.env["tracelink.cvr.api"]._cvr_get(
            cvr, company=self.company_id or self.env.company, use_cache=False
        )
        changes = self._apply_cvr_company(company, "refresh")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Refreshed from CVR: %s", self.display_name),
                "message": "; ".join(changes) or self.env._("Nothing has changed."),
                "type": "success" if changes else "info",
                "sticky": bool(changes),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def tracelink_find_or_create_from_cvr(self, cvr, confirm_ceased=False):
        """The id of the company with this CVR number (XML-RPC), as New CVR
        customer finds or makes it; one not active only with ``confirm_ceased``."""
        self._check_cvr_user()
        Api = self.env["tracelink.cvr.api"]
        number = Api._cvr_normalize(cvr)
        partner = self._find_partners_by_cvr([number]).get(number)
        if partner:
            return partner.id
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
        """A look-up spends the company's quota at the register and may make
        a contact: for internal users who may create contacts (contact
        managers, salespeople), checked before any call."""
        if self.env.user.share or not self.browse().has_access("create"):
            raise AccessError(
                self.env._(
                    "Only internal users who may create contacts may look "
                    "companies up in the CVR register."
                )
            )

    @api.model
    def _create_from_cvr(self, company_dict):
        vals = self._prepare_partner_vals_from_cvr(company_dict)
        return self.create(self._prepare_customer_from_cvr(vals))

    @api.model
    def _prepare_partner_vals_from_cvr(self, company_dict):
        """A company dict as values of a company partner (``FIELDS`` order)."""
        return {
            "is_company": True,
            "country_id": self.env.ref("base.dk").id,
            **partner_values(company_dict),
            "cvr_provider": company_dict.get("provider") or False,
            "cvr_lookup_date": fields.Datetime.now(),
            "cvr_checked_date": fields.Datetime.now(),
        }

    @api.model
    def _prepare_customer_from_cvr(self, vals):
        """The hook of every creation from the register, called when no partner
        has the CVR number: an override adds values (tracelink_economic: the
        e-conomic customer number); raising stops the creation."""
        return vals

    def _get_cvr_number(self):
        """The 8 digits of the Company ID, else of a Danish VAT number."""
        self.ensure_one()
        return cvr_from_text(self.company_registry) or cvr_from_text(self.vat) or False

    @api.model
    def _find_partners_by_cvr(self, cvrs, company=None, domain=None):
        """``{cvr: partner}``, the one search of a customer by CVR number: a
        partner without parent of ``company`` or of no company whose Company
        ID or VAT number is the number; active ones first, then the company's
        own, then the oldest. ``domain`` narrows the candidates."""
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

    def _apply_cvr_values(self, vals, write_unchanged=True):
        """Write the register values that differ and return the change lines:
        an empty text erases nothing, VAT and Company ID are only filled when
        empty; without ``write_unchanged``, nothing when nothing changed."""
        self.ensure_one()
        stamps = ("cvr_lookup_date", "cvr_checked_date", "cvr_provider")
        updates = {key: vals[key] for key in stamps}
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
        if changes or write_unchanged:
            self.write(updates)
        return changes

    def _apply_cvr_company(self, company_dict, seen_by):
        """Apply a company dict of the register, note it in the chatter and
        return the change lines; those of ``_cvr_watched_texts`` are also rows
        of the CVR changes. ``seen_by``: "watch" or "refresh"."""
        self.ensure_one()
        # a first reading of the register is no change
        known = self.cvr_lookup_date or self.cvr_checked_date
        before = known and self._cvr_watched_texts()
        old_status = self.cvr_status
        changes = self._apply_cvr_values(
            self._prepare_partner_vals_from_cvr(company_dict),
            # the watch stamps the companies it checked all at once
            write_unchanged=seen_by != "watch",
        )
        provider = company_dict.get("provider") or False
        if changes and before:
            after = self._cvr_watched_texts()
            rows = [
                {
                    "partner_id": self.id,
                    "what": what,
                    "old_value": before[what],
                    "new_value": after[what],
                    "seen_by": seen_by,
                    "provider": provider,
                }
                for what in after
                if before[what] != after[what]
            ]
            self.env["tracelink.cvr.change"].sudo().create(rows)
            if self.cvr_status != old_status:
                self._cvr_status_changed(old_status)
        if changes or seen_by == "refresh":
            self._cvr_post_changes(seen_by, provider, changes)
        return changes

    def _cvr_post_changes(self, seen_by, provider, changes):
        provider = self._cvr_display_value("cvr_provider", provider)
        if seen_by == "watch":
            title = self.env._("Changed in the CVR register (CVR watch, %s):", provider)
        elif changes:
            title = self.env._("Refreshed from the CVR register (%s):", provider)
        else:
            title = self.env._(
                "Refreshed from the CVR register (%s): nothing has changed.", provider
            )
        body = Markup("<p>%s</p>") % title
        if changes:
            items = Markup().join(Markup("<li>%s</li>") % change for change in changes)
            body += Markup("<ul>%s</ul>") % items
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _cvr_watched_texts(self):
        """``{what: text}`` of what the CVR watch compares (a change of one is
        a row of the CVR changes), as people read it."""
        self.ensure_one()
        city = " ".join(filter(None, (self.zip, self.city)))
        industry = (self.cvr_industry_code, self.cvr_industry_text)
        return {
            "status": self._cvr_display_value("cvr_status", self.cvr_status),
            "name": self._cvr_display_value("name", self.name),
            "address": ", ".join(filter(None, (self.street, self.street2, city))),
            "protected": self._cvr_display_value("cvr_protected", self.cvr_protected),
            "industry": " ".join(filter(None, industry)),
        }

    def _cvr_status_changed(self, old_status):
        """Hook: the register status changed from ``old_status`` (tracelink_crm
        gives each open case's salesperson an activity)."""

    def _change_line(self, name, old, new):
        """ "Label: old → new" (also tracelink_economic's chatter)."""
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
