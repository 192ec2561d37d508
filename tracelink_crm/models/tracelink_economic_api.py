"""The one gateway between Odoo and e-conomic.

Reads a company's e-conomic settings, builds the plain-Python
:class:`~..tools.economic_client.EconomicClient` and turns its typed failures
into translated messages: ``UserError`` for people, a note on the company for
the hourly customer import.
"""

import logging
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.economic_client import DEFAULT_BASE_URL, EconomicClient
from ..tools.economic_mapping import (
    customer_body_from_partner,
    cvr_from_identification,
    partner_values_from_customer,
)
from ..tools.exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30
# An incremental import asks for the customers changed since the start of the
# last successful run minus this margin: the clocks of Odoo and e-conomic are
# not the same, and reading a customer twice changes nothing.
INCREMENTAL_OVERLAP = timedelta(minutes=5)
# After a create that got no answer, customers changed since shortly before
# the create are searched for the one Odoo sent (customers without CVR).
CREATE_LOOKUP_MARGIN = timedelta(minutes=10)
# Lines about skipped customers kept on the company after an import.
MAX_IMPORT_NOTES = 50

# Failures of one record while importing: logged, the record is skipped.
_RECORD_ERRORS = (psycopg2.Error, UserError, ValueError)

# Partner field filled from each text value of
# ``economic_mapping.partner_values_from_customer``.
_PARTNER_TEXT_FIELDS = {
    "name": "name",
    "street": "street",
    "zip": "zip",
    "city": "city",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "website": "website",
}

# e-conomic's ``country`` is free text, usually in Danish. Names found in the
# installed languages are recognised; these cover the common Danish names in
# a database where Danish is not installed.
_DANISH_COUNTRY_NAMES = {
    "danmark": "DK",
    "sverige": "SE",
    "norge": "NO",
    "tyskland": "DE",
    "holland": "NL",
    "nederlandene": "NL",
    "storbritannien": "GB",
    "england": "GB",
    "grønland": "GL",
    "færøerne": "FO",
    "island": "IS",
    "finland": "FI",
    "polen": "PL",
    "frankrig": "FR",
    "belgien": "BE",
    "østrig": "AT",
    "schweiz": "CH",
    "spanien": "ES",
    "italien": "IT",
    "usa": "US",
}


class TracelinkEconomicApi(models.AbstractModel):
    _name = "tracelink.economic.api"
    _description = "e-conomic Gateway"

    # Retries of reads after 429/5xx/timeouts, and the first wait in seconds
    # (doubled after each retry).
    _economic_max_retries = 3
    _economic_backoff = 1.0

    # ------------------------------------------------------------
    # Client and errors
    # ------------------------------------------------------------

    @api.model
    def _get_economic_client(self, company):
        """Return an ``EconomicClient`` built from ``company``'s settings."""
        settings = company.sudo()
        return EconomicClient(
            base_url=(settings.economic_base_url or "").strip() or DEFAULT_BASE_URL,
            app_secret_token=(settings.economic_app_secret_token or "").strip(),
            agreement_grant_token=(
                settings.economic_agreement_grant_token or ""
            ).strip(),
            timeout=settings.economic_timeout or DEFAULT_TIMEOUT,
            max_retries=self._economic_max_retries,
            backoff=self._economic_backoff,
        )

    @contextmanager
    def _economic_session(self, company):
        """Yield a client for ``company`` and close it afterwards."""
        client = self._get_economic_client(company)
        try:
            yield client
        finally:
            client.close()

    @contextmanager
    def _user_errors(self):
        """Turn the typed failures of the client into ``UserError``."""
        try:
            yield
        except ServiceError as error:
            raise UserError(self._economic_error_message(error)) from error

    @api.model
    def _economic_error_message(self, error):
        """Return a translated message for people: what happened, what to do."""
        if isinstance(error, InvalidRequest):
            message = self.env._(
                "e-conomic refused the request: %(message)s",
                message=error.message or error,
            )
            if error.details:
                message += "\n" + "\n".join(f"- {line}" for line in error.details)
        elif isinstance(error, AuthenticationFailed):
            if error.status is None:
                message = self.env._(
                    "The e-conomic tokens are not set. Enter the App Secret Token "
                    "and the Agreement Grant Token in Settings > CRM > e-conomic."
                )
            else:
                message = self.env._(
                    "e-conomic did not accept the tokens: the App Secret Token or "
                    "the Agreement Grant Token is wrong or has been revoked. Check "
                    "both in Settings > CRM > e-conomic. (e-conomic: %(message)s)",
                    message=error.message,
                )
        elif isinstance(error, PermissionDenied):
            message = self.env._(
                "The e-conomic tokens are valid but lack the rights for this "
                "action (e-conomic: %(message)s). The demo agreement can only "
                "read; for anything else use the tokens of your own agreement "
                "with a role that may edit customers.",
                message=error.message,
            )
        elif isinstance(error, NotFound):
            message = self.env._(
                "e-conomic does not know the requested record (%(message)s). It "
                "may have been deleted in e-conomic, or the base URL is wrong.",
                message=error.message,
            )
        elif isinstance(error, QuotaExceeded):
            message = self.env._(
                "e-conomic refuses more calls for now: the agreement's call quota "
                "is used up. Try again later."
            )
            if error.retry_after is not None:
                message += " " + self.env._(
                    "e-conomic asks to wait %(seconds)s seconds.",
                    seconds=round(error.retry_after),
                )
        elif isinstance(error, ServiceTimeout):
            message = self.env._(
                "e-conomic did not answer in time (%(detail)s). Try again in a moment.",
                detail=error.message,
            )
        elif isinstance(error, ServiceUnavailable):
            message = self.env._(
                "e-conomic cannot be reached right now (%(detail)s). Try again later.",
                detail=error,
            )
        elif isinstance(error, MalformedResponse):
            message = self.env._(
                "e-conomic sent an answer that cannot be understood "
                "(%(detail)s). Check the e-conomic base URL in the settings; if it "
                "is right, try again later.",
                detail=error.message,
            )
        else:
            message = self.env._("The call to e-conomic failed: %(error)s", error=error)
        if error.log_id:
            message += "\n" + self.env._(
                "e-conomic log id (for support): %(log_id)s", log_id=error.log_id
            )
        return message

    @api.model
    def _check_economic_enabled(self, company):
        if not company.economic_enabled:
            raise UserError(
                self.env._(
                    "The e-conomic connector is not enabled for %(company)s. "
                    "Enable it in Settings > CRM > e-conomic.",
                    company=company.name,
                )
            )

    # ------------------------------------------------------------
    # Connection test
    # ------------------------------------------------------------

    @api.model
    def _test_connection(self, company):
        """Ask e-conomic's ``/self``; return ``(agreement number, company name)``.

        Raises ``UserError`` with the reason when the call fails.
        """
        with self._user_errors(), self._economic_session(company) as client:
            answer = client.get_self()
        agreement = answer.get("agreementNumber")
        company_info = answer.get("company")
        name = company_info.get("name") if isinstance(company_info, dict) else None
        if not name:
            raise UserError(
                self._economic_error_message(
                    MalformedResponse("the answer of /self names no company")
                )
            )
        return agreement, name

    # ------------------------------------------------------------
    # Mapping between e-conomic customers and partners
    # ------------------------------------------------------------

    @api.model
    def _economic_country_lookup(self):
        """Return ``{casefolded country name or code: res.country id}``."""
        countries = self.env["res.country"].sudo().search([])
        lookup = {}
        langs = {"en_US"} | {
            code for code, _name in self.env["res.lang"].get_installed()
        }
        for lang in sorted(langs):
            for country in countries.with_context(lang=lang):
                lookup.setdefault(country.name.casefold(), country.id)
        by_code = {country.code: country.id for country in countries}
        for code, country_id in by_code.items():
            lookup.setdefault(code.casefold(), country_id)
        for name, code in _DANISH_COUNTRY_NAMES.items():
            if code in by_code:
                lookup.setdefault(name, by_code[code])
        return lookup

    @api.model
    def _prepare_partner_vals_from_economic(self, values, countries):
        """Turn ``partner_values_from_customer`` values into partner values.

        Empty e-conomic values are left out, so an import never clears what
        is filled in Odoo. A valid Danish CVR number gives ``company_registry``
        and the VAT number ``DK<cvr>``; any other identification is kept as
        the VAT number as given.
        """
        vals = {
            field: values[key]
            for key, field in _PARTNER_TEXT_FIELDS.items()
            if values.get(key)
        }
        if values.get("cvr"):
            vals["company_registry"] = values["cvr"]
            vals["vat"] = f"DK{values['cvr']}"
        elif values.get("vat"):
            vals["vat"] = values["vat"]
        country_name = values.get("country_name")
        if country_name and countries.get(country_name.casefold()):
            vals["country_id"] = countries[country_name.casefold()]
        return vals

    @api.model
    def _prepare_economic_customer_vals(self, partner_or_vals, company):
        """Return the plain customer data of a partner (record or values).

        The keys are those of ``economic_mapping.customer_body_from_partner``
        plus ``identification``: the CVR number (8 digits) when the partner
        has a valid Danish one, else its VAT number as typed.
        """
        if isinstance(partner_or_vals, models.BaseModel):
            partner = partner_or_vals
            source = {
                field: partner[field]
                for field in (
                    "name",
                    "street",
                    "street2",
                    "zip",
                    "city",
                    "email",
                    "phone",
                    "mobile",
                    "website",
                    "vat",
                    "company_registry",
                )
            }
            source["country_id"] = partner.country_id.id
        else:
            source = partner_or_vals
        cvr = cvr_from_identification(
            source.get("company_registry") or ""
        ) or cvr_from_identification(source.get("vat") or "")
        country = self.env["res.country"].browse(source.get("country_id") or [])
        lang = company.partner_id.lang or self.env.lang
        street = "\n".join(
            line.strip()
            for line in (source.get("street"), source.get("street2"))
            if line and line.strip()
        )
        identification = cvr or (source.get("vat") or "").strip()
        data = {
            "name": (source.get("name") or "").strip(),
            "street": street,
            "zip": source.get("zip"),
            "city": source.get("city"),
            "country_name": country.with_context(lang=lang).name if country else "",
            "email": source.get("email"),
            "phone": source.get("phone"),
            "mobile": source.get("mobile"),
            "website": source.get("website"),
            "cvr": identification,
        }
        return {**data, "identification": identification, "is_cvr": bool(cvr)}

    @api.model
    def _economic_customer_defaults(self, company):
        """Return the connector's defaults for new customers of ``company``."""
        currency = company.economic_currency_id or company.currency_id
        return {
            "currency": currency.name,
            "customer_group": company.economic_customer_group,
            "payment_terms": company.economic_payment_terms,
            "vat_zone": company.economic_vat_zone,
        }

    # ------------------------------------------------------------
    # Find or create one customer
    # ------------------------------------------------------------

    @api.model
    def _ensure_customer(self, partner_or_vals, company=None):
        """Find the partner's e-conomic customer by CVR, or create it.

        ``partner_or_vals`` is a partner or the values of a partner about to
        be created. Returns ``(customer, created)``: e-conomic's customer dict
        (with ``customerNumber``) and whether it was created now.

        A create is never repeated blindly: when it gets no answer (timeout,
        5xx), the customer is looked up first and only created again when it
        is not there. Raises ``UserError`` when e-conomic refuses, when the
        found customer is already linked to another partner, or when a
        default for new customers is missing.
        """
        company = company or self.env.company
        self._check_economic_enabled(company)
        partner = (
            partner_or_vals
            if isinstance(partner_or_vals, models.BaseModel)
            else self.env["res.partner"]
        )
        data = self._prepare_economic_customer_vals(partner_or_vals, company)
        if not data["name"]:
            raise UserError(
                self.env._("A customer needs a name before it can go to e-conomic.")
            )
        with self._user_errors(), self._economic_session(company) as client:
            found = self._find_economic_customer(client, data)
            if found:
                self._check_customer_unlinked(found, company, partner)
                return found, False
            try:
                body = customer_body_from_partner(
                    data, self._economic_customer_defaults(company)
                )
            except ValueError as error:
                raise UserError(
                    self.env._(
                        "The customer cannot be created in e-conomic: %(error)s. "
                        "Fill in the defaults for new customers in Settings > CRM > "
                        "e-conomic.",
                        error=error,
                    )
                ) from error
            return self._create_economic_customer(client, body, data), True

    @api.model
    def _create_economic_customer(self, client, body, data):
        """``POST /customers``; after no answer, look up before trying again.

        Returns the new customer: the answer of the create, or the customer
        the lookup finds when the unanswered create had made it after all.
        The create is sent a second time only when the lookup finds nothing.
        """
        started = datetime.now(timezone.utc)
        try:
            return client.create_customer(body)
        except (ServiceTimeout, ServiceUnavailable) as error:
            _logger.warning(
                "e-conomic: creating customer %r got no answer (%s); looking it up "
                "before trying again",
                data["name"],
                error,
            )
            found = self._find_economic_customer(client, data, created_since=started)
            if found:
                _logger.info(
                    "e-conomic: customer %r exists after all as number %s",
                    data["name"],
                    found["customerNumber"],
                )
                return found
        return client.create_customer(body)

    @api.model
    def _find_economic_customer(self, client, data, created_since=None):
        """Return the e-conomic customer matching ``data``, or None.

        Customers are matched on the CVR (or VAT) number, in the forms
        ``12345678`` and ``DK12345678``. Without one, and only after an
        unanswered create (``created_since``), on the exact name among the
        customers changed since shortly before that create.
        """
        identification = data.get("identification")
        if identification:
            forms = [identification]
            if data.get("is_cvr"):
                forms.append(f"DK{identification}")
            for value in forms:
                found = self._pick_customer(client.find_customers_by_cvr(value))
                if found:
                    return found
            return None
        if created_since is None:
            return None
        name = data["name"].casefold()
        candidates = [
            customer
            for customer in client.iter_customers(
                updated_since=created_since - CREATE_LOOKUP_MARGIN
            )
            if isinstance(customer, dict)
            and str(customer.get("name") or "").strip().casefold() == name
        ]
        return self._pick_customer(candidates)

    @api.model
    def _pick_customer(self, customers):
        """Return the first usable customer: not barred, lowest number."""
        usable = [
            customer
            for customer in customers
            if isinstance(customer, dict)
            and isinstance(customer.get("customerNumber"), int)
            and not isinstance(customer.get("customerNumber"), bool)
        ]
        usable.sort(key=lambda c: (bool(c.get("barred")), c["customerNumber"]))
        return usable[0] if usable else None

    @api.model
    def _check_customer_unlinked(self, customer, company, partner):
        """Refuse an e-conomic customer already linked to another partner."""
        number = customer["customerNumber"]
        other = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("economic_customer_number", "=", number),
                    ("company_id", "in", [company.id, False]),
                    ("id", "not in", partner.ids),
                ],
                limit=1,
            )
        )
        if other:
            raise UserError(
                self.env._(
                    "e-conomic already has this customer as number %(number)s "
                    "(%(name)s), and it is linked to the contact %(partner)s in "
                    "Odoo. Use that contact instead.",
                    number=number,
                    name=customer.get("name") or "",
                    partner=other.display_name,
                )
            )

    # ------------------------------------------------------------
    # Customer import
    # ------------------------------------------------------------

    @api.model
    def _import_customers(self, company, raise_errors=True):
        """Import e-conomic's customers into partners of ``company``.

        The first run reads every customer; later runs only those changed
        since the start of the last successful run. Each customer is matched
        by its e-conomic number, then by CVR number, else a company partner
        is created; changed values are written. A customer that cannot be
        read or stored is logged and skipped. The run is one transaction:
        when e-conomic fails, nothing of it is kept.

        Returns ``{"created", "updated", "unchanged", "skipped": int,
        "error": message or None}``. When e-conomic fails, raises
        ``UserError`` if ``raise_errors``, else notes the message on the
        company and returns it as ``error``.
        """
        company.ensure_one()
        self._check_economic_enabled(company)
        try:
            with self.env.cr.savepoint():
                stats = self._run_customer_import(company)
        except ServiceError as error:
            message = self._economic_error_message(error)
            _logger.warning(
                "e-conomic customer import for company %s failed: %s",
                company.id,
                error,
            )
            if raise_errors:
                raise UserError(message) from error
            company.sudo().economic_import_error = message
            return {
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "skipped": 0,
                "error": message,
            }
        return {**stats, "error": None}

    @api.model
    def _run_customer_import(self, company):
        started = fields.Datetime.now()
        last = company.economic_last_import
        since = last - INCREMENTAL_OVERLAP if last else None
        stats = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        notes = []
        countries = self._economic_country_lookup()
        done = 0
        with self._economic_session(company) as client:
            for customers, pagination in client.iter_customer_pages(
                updated_since=since
            ):
                self._import_customer_page(
                    company, customers, countries, started, stats, notes
                )
                done += len(customers)
                total = pagination.get("results")
                remaining = (
                    max(0, total - done)
                    if isinstance(total, int) and not isinstance(total, bool)
                    else 0
                )
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            calls = client.request_count
        company.sudo().write(
            {
                "economic_last_import": started,
                "economic_import_created": stats["created"],
                "economic_import_updated": stats["updated"],
                "economic_import_unchanged": stats["unchanged"],
                "economic_import_skipped": stats["skipped"],
                "economic_import_notes": "\n".join(notes[:MAX_IMPORT_NOTES]) or False,
                "economic_import_error": False,
            }
        )
        _logger.info(
            "e-conomic customer import for company %s (%s): %s created, %s "
            "updated, %s unchanged, %s skipped, %s calls",
            company.id,
            f"changes since {since}" if since else "all customers",
            stats["created"],
            stats["updated"],
            stats["unchanged"],
            stats["skipped"],
            calls,
        )
        return stats

    @api.model
    def _import_partner_model(self):
        """``res.partner`` as the import uses it: all records, no chatter."""
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(
                active_test=False,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
            )
        )

    @api.model
    def _import_customer_page(self, company, customers, countries, now, stats, notes):
        """Match, update and create the partners of one page of customers."""
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
                self._skip_customer(number, error, stats, notes)
                continue
            incoming[values["economic_number"]] = values
        if not incoming:
            return
        by_number = self._partners_by_economic_number(company, incoming)
        by_cvr = self._partners_by_cvr(
            company,
            {
                values["cvr"]
                for number, values in incoming.items()
                if values["cvr"] and number not in by_number
            },
        )
        to_create, to_update, unchanged_ids = [], [], []
        for number, values in incoming.items():
            vals = self._prepare_partner_vals_from_economic(values, countries)
            partner = by_number.get(number)
            if not partner and values["cvr"]:
                # the first customer carrying a CVR number takes the partner
                partner = by_cvr.pop(values["cvr"], None)
                if partner:
                    vals["economic_customer_number"] = number
            if not partner:
                vals.update(
                    economic_customer_number=number,
                    economic_last_sync=now,
                    company_id=company.id,
                    is_company=True,
                    customer_rank=1,
                )
                to_create.append((number, vals))
                continue
            changes = self._partner_changes(partner, vals)
            if changes:
                changes["economic_last_sync"] = now
                to_update.append((number, (partner, changes)))
            else:
                unchanged_ids.append(partner.id)

        Partner = self._import_partner_model()
        if unchanged_ids:
            Partner.browse(unchanged_ids).write({"economic_last_sync": now})
            stats["unchanged"] += len(unchanged_ids)

        def write_all(pairs):
            for partner, changes in pairs:
                partner.write(changes)

        self._apply_in_batch(to_update, write_all, "updated", stats, notes)
        self._apply_in_batch(to_create, Partner.create, "created", stats, notes)

    @api.model
    def _partners_by_economic_number(self, company, numbers):
        """Return ``{number: partner}`` for the numbers linked in ``company``.

        A partner of the company wins over a shared one (no company).
        """
        partners = self._import_partner_model().search(
            [
                ("economic_customer_number", "in", list(numbers)),
                ("company_id", "in", [company.id, False]),
            ],
            order="company_id, id",
        )
        found = {}
        for partner in partners:
            found.setdefault(partner.economic_customer_number, partner)
        return found

    @api.model
    def _partners_by_cvr(self, company, cvrs):
        """Return ``{cvr: partner}`` for unlinked company partners with the CVR.

        Looks at ``company_registry`` and at the VAT number ``DK<cvr>``;
        active partners and partners of the company win.
        """
        if not cvrs:
            return {}
        partners = self._import_partner_model().search(
            [
                ("parent_id", "=", False),
                ("economic_customer_number", "=", False),
                ("company_id", "in", [company.id, False]),
                "|",
                ("company_registry", "in", list(cvrs)),
                ("vat", "in", [f"DK{cvr}" for cvr in cvrs]),
            ],
            order="active desc, company_id, id",
        )
        found = {}
        for partner in partners:
            cvr = cvr_from_identification(
                partner.company_registry or ""
            ) or cvr_from_identification(partner.vat or "")
            if cvr in cvrs:
                found.setdefault(cvr, partner)
        return found

    @api.model
    def _partner_changes(self, partner, vals):
        """Return the part of ``vals`` that differs from ``partner``."""
        changes = {}
        for field, value in vals.items():
            current = partner[field]
            if field == "country_id":
                current = current.id
            elif field == "website":
                value = partner._clean_website(value)
            if (current or False) != (value or False):
                changes[field] = vals[field]
        return changes

    @api.model
    def _apply_in_batch(self, items, apply, key, stats, notes):
        """Run ``apply`` on all payloads at once; record by record on failure.

        ``items`` are ``(customer number, payload)`` pairs and ``apply`` takes
        a list of payloads. A record that fails on its own is skipped.
        """
        if not items:
            return
        try:
            with self.env.cr.savepoint():
                apply([payload for _number, payload in items])
        except _RECORD_ERRORS as error:
            _logger.info(
                "e-conomic import: a batch of %s failed (%s); retrying one by one",
                len(items),
                type(error).__name__,
            )
        else:
            stats[key] += len(items)
            return
        for number, payload in items:
            try:
                with self.env.cr.savepoint():
                    apply([payload])
            except _RECORD_ERRORS as error:
                self._skip_customer(number, error, stats, notes)
            else:
                stats[key] += 1

    @api.model
    def _skip_customer(self, number, error, stats, notes):
        reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
        reason = reason or type(error).__name__
        _logger.warning("e-conomic customer %s skipped: %s", number, reason)
        stats["skipped"] += 1
        notes.append(
            self.env._(
                "Customer %(number)s skipped: %(reason)s",
                number=number if number is not None else "?",
                reason=reason,
            )
        )

    @api.model
    def _cron_import_customers(self):
        """Import the customers of every company with e-conomic enabled.

        A company whose import fails keeps nothing of that run and gets the
        reason noted; the other companies are imported all the same.
        """
        companies = (
            self.env["res.company"].sudo().search([("economic_enabled", "=", True)])
        )
        for company in companies:
            self._import_customers(company, raise_errors=False)
