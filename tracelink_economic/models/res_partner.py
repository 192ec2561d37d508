import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.barcode import get_barcode_check_digit

from odoo.addons.tracelink_cvr.tools.cvr import cvr_from_text

from ..tools.economic_mapping import (
    name_zip_key,
    partner_vals_from_values,
    partner_values_from_customer,
)
from .tracelink_economic_connection import synced_field

_logger = logging.getLogger(__name__)

# Who may create customers in e-conomic (any one of these groups).
_CREATE_GROUPS = (
    "sales_team.group_sale_manager,account.group_account_manager,"
    "account.group_account_user"
)
# Failures of one record while importing: logged, the record is skipped.
_RECORD_ERRORS = (psycopg2.Error, UserError, ValueError)
# Partner fields identifying the company: filled by the import when empty,
# never replaced (a different value in e-conomic is named in the chatter).
_IDENTIFYING_FIELDS = ("vat", "company_registry")


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
    economic_last_sync = synced_field(
        fields.Datetime,
        string="e-conomic Last Sync",
        company_dependent=True,
        help="When this contact was last created, found or imported from the "
        "current company's e-conomic.",
    )
    economic_ean = fields.Char(
        string="EAN Number",
        copy=False,
        help="The public customer's EAN location number (13 digits): its "
        "e-conomic invoices are addressed to it (NemHandel).",
    )
    economic_enabled = fields.Boolean(
        string="e-conomic Connected",
        compute="_compute_economic_enabled",
    )

    @api.depends_context("company")
    @api.depends("company_id")
    def _compute_economic_enabled(self):
        Connection = self.env["tracelink.economic.connection"].sudo()
        enabled = Connection.search([("state", "=", "enabled")]).company_id
        for partner in self:
            partner.economic_enabled = (
                partner.company_id or self.env.company
            ) in enabled

    @api.constrains("economic_ean")
    def _check_economic_ean(self):
        for partner in self.filtered("economic_ean"):
            ean = partner.economic_ean
            digits = len(ean) == 13 and ean.isdigit()
            if not digits or get_barcode_check_digit(ean) != int(ean[-1]):
                raise ValidationError(
                    self.env._(
                        "%(ean)s is not an EAN number: 13 digits, the last one "
                        "a check digit.",
                        ean=ean,
                    )
                )

    @api.constrains("economic_customer_number")
    def _check_economic_customer_number(self):
        """One contact per e-conomic number in the company it is written for
        (``self.env.company``; each company has its own numbers)."""
        numbers = [n for n in self.mapped("economic_customer_number") if n]
        if any(number < 0 for number in numbers):
            raise ValidationError(
                self.env._("An e-conomic customer number cannot be negative.")
            )
        Partner = self.sudo().with_context(active_test=False)
        first = {}
        domain = [("economic_customer_number", "in", numbers)]
        for partner in Partner.search(domain, order="id"):
            other = first.setdefault(partner.economic_customer_number, partner)
            if other != partner:
                raise ValidationError(
                    self.env._(
                        "The e-conomic customer number %(number)s of %(partner)s "
                        "is already used by %(other)s in %(company)s.",
                        number=partner.economic_customer_number,
                        partner=partner.display_name,
                        other=other.display_name,
                        company=self.env.company.name,
                    )
                )

    def action_create_in_economic(self):
        """Find this company in e-conomic, or create it there, and link it in
        the partner's company (the current one for a shared partner)."""
        self.ensure_one()
        number, created = self._economic_link(self._economic_connection_to_create())
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

    def _economic_connection_to_create(self):
        """The connection this company goes to e-conomic with, checked before
        any call: the user may, and the partner is a company not linked yet."""
        self.check_access("write")
        if not self.env.user.has_groups(_CREATE_GROUPS):
            raise AccessError(
                self.env._(
                    "Only sales managers and accounting users may create "
                    "customers in e-conomic."
                )
            )
        company = self.company_id or self.env.company
        number = self.with_company(company).economic_customer_number
        if number:
            raise UserError(
                self.env._(
                    "%(partner)s is already e-conomic customer %(number)s.",
                    partner=self.display_name,
                    number=number,
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
        connection = self.env["tracelink.economic.connection"]._for_company(company)
        if not connection:
            raise UserError(
                self.env._(
                    "%(company)s has no enabled e-conomic connection.",
                    company=company.name,
                )
            )
        return connection

    def _economic_link(self, connection):
        """``(customer number, created)`` of this partner in the company of
        ``connection``: its link, else the e-conomic customer found by CVR
        number or created, linked (also for invoices)."""
        partner = self.with_company(connection.company_id)
        if partner.economic_customer_number:
            return partner.economic_customer_number, False
        customer, created = connection._ensure_customer(partner)
        partner.write(self._economic_link_vals(customer))
        return customer["customerNumber"], created

    @api.model
    def _economic_link_vals(self, customer):
        return {
            "economic_customer_number": customer["customerNumber"],
            "economic_last_sync": fields.Datetime.now(),
        }

    @api.model
    def _prepare_customer_from_cvr(self, vals):
        """tracelink_cvr's hook: a company about to be created from the CVR
        register is found or created in e-conomic first when the current
        company's connection is enabled (a refusal stops the creation)."""
        vals = super()._prepare_customer_from_cvr(vals)
        Connection = self.env["tracelink.economic.connection"]
        connection = Connection._for_company(self.env.company)
        if not connection:
            return vals
        customer, _created = connection._ensure_customer(vals)
        return {**vals, **self._economic_link_vals(customer)}

    @api.model
    def _economic_import_customers(self, company, customers, countries):
        """Land one page of e-conomic customers as partners of ``company``;
        return the counts of each outcome and ``notes`` on the skipped."""
        stats = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "notes": []}
        incoming = {}
        for customer in customers:
            try:
                values = partner_values_from_customer(customer)
            except ValueError as error:
                number = (
                    customer.get("customerNumber")
                    if isinstance(customer, dict)
                    else None
                )
                self._economic_skip(number, error, stats)
                continue
            values["country_id"] = countries.get(values["country_name"].casefold())
            incoming[values["economic_number"]] = values
        if incoming:
            Partner = self.sudo().with_company(company)
            Partner = Partner.with_context(active_test=False, tracking_disable=True)
            Partner._economic_land(company, incoming, stats)
        return stats

    @api.model
    def _economic_land(self, company, incoming, stats):
        """Update the partners matched to the customers of ``incoming``
        (``{number: values}``), create the others, in batches. A partner
        another company has linked only gets its empty fields filled."""
        now = fields.Datetime.now()
        by_number, by_cvr, by_name = self._economic_candidates(company, incoming)
        shared = self._economic_linked_elsewhere(
            self.union(*by_number.values(), *by_cvr.values(), *by_name.values()),
            company,
        )
        # What every new partner shares, res.partner's defaults included:
        # found once for the page, not by create for each partner.
        new_partner = {
            **self.default_get(list(self._fields)),
            "economic_last_sync": now,
            "company_id": company.id,
            "is_company": True,
            "customer_rank": 1,
        }
        to_create, to_update, unchanged, summaries = [], [], self.browse(), {}
        for number, values in incoming.items():
            vals = partner_vals_from_values(values, values["country_id"])
            try:
                partner = self._economic_match(values, by_number, by_cvr, by_name)
            except ValueError as reason:
                self._economic_skip(number, reason, stats)
                continue
            if not partner:
                vals = {**new_partner, **vals, "economic_customer_number": number}
                to_create.append((number, vals))
                continue
            if not partner.economic_customer_number:
                vals = {"economic_customer_number": number, **vals}
            changes, lines = partner._economic_changes(vals, partner.id in shared)
            if not changes:
                unchanged |= partner
                continue
            to_update.append(
                (number, (partner, {**changes, "economic_last_sync": now}))
            )
            summaries[partner.id] = (number, lines)
        unchanged.write({"economic_last_sync": now})
        stats["unchanged"] += len(unchanged)
        self._economic_in_batch(to_update, self._economic_write_all, "updated", stats)
        self._economic_in_batch(to_create, self.create, "created", stats)
        self._economic_log_changes(company, summaries)

    @api.model
    def _economic_candidates(self, company, incoming):
        """The partners the customers of ``incoming`` may be: ``{number:
        partner}`` linked to the number, ``{cvr: partner}`` unlinked with
        that CVR number, ``{(name, zip): partners}`` for those without."""
        by_number = {
            partner.economic_customer_number: partner
            for partner in self.search(
                [("economic_customer_number", "in", list(incoming))]
            )
        }
        unlinked = [v for n, v in incoming.items() if n not in by_number]
        by_cvr = self._find_partners_by_cvr(
            {values["cvr"] for values in unlinked},
            company,
            domain=[("economic_customer_number", "=", False)],
        )
        by_name = self._economic_by_name_zip(
            company, [values for values in unlinked if not values["cvr"]]
        )
        return by_number, by_cvr, by_name

    @api.model
    def _economic_match(self, values, by_number, by_cvr, by_name):
        """The partner of one customer (none: create one), or ``ValueError``
        with the reason to skip it."""
        partner = by_number.get(values["economic_number"])
        if partner:
            cvr = partner._get_cvr_number()
            if values["cvr"] and cvr and cvr != values["cvr"]:
                raise ValueError(
                    self.env._(
                        "linked to %(partner)s, whose CVR number %(cvr)s differs "
                        "from e-conomic's %(economic_cvr)s; nothing changed",
                        partner=partner.display_name,
                        cvr=cvr,
                        economic_cvr=values["cvr"],
                    )
                )
            return partner
        if values["cvr"]:
            # the first customer carrying a CVR number takes the partner
            return by_cvr.pop(values["cvr"], None)
        candidates = by_name.pop(name_zip_key(values["name"], values["zip"]), None)
        if candidates and len(candidates) > 1:
            raise ValueError(
                self.env._(
                    "several contacts are named %(name)s with zip %(zip)s "
                    "(%(partners)s); link the right one by hand",
                    name=values["name"],
                    zip=values["zip"] or "-",
                    partners=", ".join(candidates.mapped("display_name")),
                )
            )
        return candidates

    @api.model
    def _economic_by_name_zip(self, company, values_list):
        """``{(name, zip): partners}`` among the company partners without CVR
        number, of ``company`` or shared, that ``company`` has not linked."""
        if not values_list:
            return {}
        keys = {name_zip_key(v["name"], v["zip"]) for v in values_list}
        query = self._search(
            [
                ("parent_id", "=", False),
                ("company_id", "in", [False, company.id]),
                ("is_company", "=", True),
                ("economic_customer_number", "=", False),
            ],
            order="active desc, company_id, id",
        )
        query.add_where(
            SQL(
                "lower(regexp_replace(btrim(%s), '\\s+', ' ', 'g')) IN %s",
                self._field_to_sql(query.table, "name", query),
                tuple({name for name, _zip in keys}),
            )
        )
        found = {}
        for partner in self.browse(query):
            key = name_zip_key(partner.name, partner.zip)
            if key in keys and not partner._get_cvr_number():
                found[key] = found.get(key, partner.browse()) | partner
        return found

    @api.model
    def _economic_linked_elsewhere(self, partners, company):
        if not partners:
            return set()
        self.flush_model(["economic_customer_number"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s "
                "AND economic_customer_number - %s <> '{}'::jsonb",
                tuple(partners.ids),
                str(company.id),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _economic_changes(self, vals, fill_only=False):
        """``(changes, lines)``: what of ``vals`` to write on this partner,
        and a line per change for the chatter. Identifying numbers, and with
        ``fill_only`` every field, are only filled when empty; a different
        identifying number is named in a line."""
        self.ensure_one()
        changes, lines = {}, []
        for field, value in vals.items():
            current = self[field]
            if field == "country_id":
                current = current.id
            elif field == "website":
                value = self._clean_website(value)
            if (current or False) == (value or False):
                continue
            if current and (fill_only or field in _IDENTIFYING_FIELDS):
                same_cvr = cvr_from_text(current)
                if field in _IDENTIFYING_FIELDS and not (
                    same_cvr and same_cvr == cvr_from_text(value)
                ):
                    lines.append(
                        self.env._(
                            "%(field)s kept: %(value)s (e-conomic has %(economic)s)",
                            field=self._fields[field]._description_string(self.env),
                            value=current,
                            economic=value,
                        )
                    )
                continue
            changes[field] = vals[field]
            lines.append(self._change_line(field, current, value))
        return changes, lines

    @api.model
    def _economic_log_changes(self, company, summaries):
        bodies = {
            partner_id: Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._(
                    "Imported from e-conomic (%(company)s, customer %(number)s):",
                    company=company.name,
                    number=number,
                ),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            )
            for partner_id, (number, lines) in summaries.items()
        }
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _economic_write_all(self, pairs):
        for partner, changes in pairs:
            partner.write(changes)

    @api.model
    def _economic_in_batch(self, items, apply, key, stats):
        """Run ``apply`` on the payloads of ``(customer number, payload)``
        pairs at once; one by one on failure, skipping those that fail alone.
        A concurrency failure goes up: the page is tried again."""
        if not items:
            return
        try:
            with self.env.cr.savepoint():
                apply([payload for _number, payload in items])
            stats[key] += len(items)
            return
        except _RECORD_ERRORS as error:
            if getattr(error, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            if len(items) == 1:
                self._economic_skip(items[0][0], error, stats)
                return
            _logger.info(
                "e-conomic import: a batch of %s failed (%s); retrying one by one",
                len(items),
                type(error).__name__,
            )
        for item in items:
            self._economic_in_batch([item], apply, key, stats)

    @api.model
    def _economic_skip(self, number, error, stats):
        lines = str(error).strip().splitlines()
        reason = (lines and lines[0]) or type(error).__name__
        _logger.warning("e-conomic customer %s skipped: %s", number, reason)
        stats["skipped"] += 1
        stats["notes"].append(
            self.env._(
                "Customer %(number)s skipped: %(reason)s",
                number=number if number is not None else "?",
                reason=reason,
            )
        )
