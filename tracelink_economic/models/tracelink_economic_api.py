"""The one gateway between Odoo and e-conomic: a company's settings make the
client, whose failures become ``UserError`` or a note of the import."""

import hashlib
import json
import logging
import re
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg2
from babel import Locale
from markupsafe import Markup

from odoo import api, fields, models, modules
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL

from odoo.addons.tracelink_cvr.tools.cvr import cvr_from_text
from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)

from ..tools.economic_client import EconomicClient
from ..tools.economic_mapping import (
    CUSTOMER_PROPERTIES,
    FieldTooLong,
    customer_body_from_partner,
    customer_numbers,
    partner_values_from_customer,
)

_logger = logging.getLogger(__name__)

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
# Partner field of each key of the plain customer data, where not the same.
_PARTNER_FIELD_OF = {"country_name": "country_id", "cvr": "vat"}
# Keys of the plain customer data copied as they are to the partner field.
_TEXT_KEYS = [key for key in CUSTOMER_PROPERTIES if key not in _PARTNER_FIELD_OF]
# Partner fields identifying the company: filled by the import when empty,
# never replaced (a different value in e-conomic is named in the chatter).
_IDENTIFYING_FIELDS = ("vat", "company_registry")
# Who may create customers in e-conomic (any one of these groups).
_CREATE_GROUPS = (
    "sales_team.group_sale_manager",
    "account.group_account_manager",
    "account.group_account_user",
)
# First key of the advisory lock held while a company's customers are
# imported (the second is the company id): "TLEI" in ASCII.
_IMPORT_LOCK = 0x544C4549
_IMPORT_COUNTS = ("created", "updated", "unchanged", "skipped")

# e-conomic's ``country`` is free text, usually in Danish: names in the
# installed languages and in Danish (Babel's) are recognised, and these.
_COUNTRY_ALIASES = {"england": "GB", "holland": "NL", "nederlandene": "NL"}


def _name_zip_key(name, zip_code):
    """Exact name and zip, compared without case and extra spaces."""
    return (
        " ".join((name or "").split()).lower(),
        re.sub(r"\s+", "", zip_code or "").lower(),
    )


def _raise_if_concurrency(error):
    """Re-raise a serialization failure, deadlock or lock timeout."""
    if (
        isinstance(error, psycopg2.Error)
        and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
    ):
        raise error


class TracelinkEconomicApi(models.AbstractModel):
    _name = "tracelink.economic.api"
    _inherit = "tracelink.api"
    _description = "e-conomic Gateway"

    # First wait in seconds before a read is retried after 429/5xx/timeouts
    # (doubled after each of the client's retries).
    _economic_backoff = 1.0
    # A cron call imports pages for this many seconds, then leaves the rest
    # to the next call (Odoo kills a cron job at limit_time_real).
    _import_time_budget = 60
    # Tries of one page that meets a serialization failure or lock timeout.
    _import_page_attempts = 3

    # --- Client and errors ---

    @api.model
    def _get_economic_client(self, company):
        """A client on ``company``'s settings (closed by ``with``)."""
        settings = company.sudo()
        return EconomicClient(
            base_url=(settings.economic_base_url or "").strip(),
            app_secret_token=settings.economic_app_secret_token,
            agreement_grant_token=settings.economic_agreement_grant_token,
            timeout=settings.economic_timeout,
            backoff=self._economic_backoff,
        )

    @contextmanager
    def _user_errors(self, company):
        """Turn the typed failures of the client into ``UserError``."""
        try:
            yield
        except ServiceError as error:
            raise UserError(self._economic_error_message(error, company)) from error

    @api.model
    def _economic_error_message(self, error, company):
        """The shared table's message (``tracelink.api``) plus what only
        e-conomic tells: each refused field, how long to wait, the log id."""
        if isinstance(error, AuthenticationFailed) and error.status is None:
            message = self.env._(
                "The e-conomic tokens are not set. Enter the App Secret Token "
                "and the Agreement Grant Token in Settings > CRM > e-conomic."
            )
        else:
            message = self._service_error_message(
                error,
                "e-conomic",
                self.env._("Settings > CRM > e-conomic"),
                timeout=company.sudo().economic_timeout,
            )
        if isinstance(error, InvalidRequest) and error.details:
            message += "\n" + "\n".join(f"- {line}" for line in error.details)
        if isinstance(error, QuotaExceeded) and error.retry_after is not None:
            message += " " + self.env._(
                "e-conomic asks to wait %(seconds)s seconds.",
                seconds=round(error.retry_after),
            )
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

    @api.model
    def _test_connection(self, company):
        """Ask e-conomic's ``/self``; return ``(agreement number, company name)``."""
        with self._user_errors(company), self._get_economic_client(company) as client:
            answer = client.get_self()
            company_info = answer.get("company")
            name = company_info.get("name") if isinstance(company_info, dict) else None
            if not name:
                raise MalformedResponse("the answer of /self names no company")
        return answer.get("agreementNumber"), name

    # --- Mapping between e-conomic customers and partners ---

    @api.model
    def _economic_country_lookup(self):
        """Return ``{casefolded country name or code: res.country id}``."""
        countries = self.env["res.country"].sudo().search([])
        langs = {"en_US"} | {
            code for code, _name in self.env["res.lang"].get_installed()
        }
        lookup = {}
        for lang in sorted(langs):
            for country in countries.with_context(lang=lang):
                lookup.setdefault(country.name.casefold(), country.id)
        by_code = {country.code: country.id for country in countries}
        danish = Locale.parse("da").territories
        for name, code in [
            *((code, code) for code in by_code),
            *((name, code) for code, name in danish.items()),
            *_COUNTRY_ALIASES.items(),
        ]:
            if code in by_code:
                lookup.setdefault(name.casefold(), by_code[code])
        return lookup

    @api.model
    def _prepare_partner_vals_from_economic(self, values, countries):
        """Partner values of ``partner_values_from_customer`` values, empty
        ones left out (an import never clears what Odoo has); a CVR number
        gives ``company_registry`` and ``DK<cvr>`` as VAT number."""
        vals = {key: values[key] for key in _TEXT_KEYS if values.get(key)}
        if values.get("cvr"):
            vals["company_registry"] = values["cvr"]
            vals["vat"] = f"DK{values['cvr']}"
        elif values.get("vat"):
            vals["vat"] = values["vat"]
        country_id = countries.get((values.get("country_name") or "").casefold())
        if country_id:
            vals["country_id"] = country_id
        return vals

    @api.model
    def _prepare_economic_customer_vals(self, partner_or_vals, company):
        """The plain customer data (keys of ``CUSTOMER_PROPERTIES``, plus
        ``country_id`` and ``is_cvr``) of a partner or of partner values;
        ``cvr`` is the CVR number, else the VAT number as typed."""
        source = partner_or_vals
        if isinstance(partner_or_vals, models.BaseModel):
            source = partner_or_vals.read(
                [*_TEXT_KEYS, "street2", "vat", "company_registry", "country_id"],
                load=None,
            )[0]
        cvr = cvr_from_text(source.get("company_registry")) or cvr_from_text(
            source.get("vat")
        )
        country = self.env["res.country"].browse(source.get("country_id") or [])
        lang = company.partner_id.lang or self.env.lang
        data = {key: source.get(key) for key in _TEXT_KEYS}
        data.update(
            name=(source.get("name") or "").strip(),
            street="\n".join(
                line.strip()
                for line in (source.get("street"), source.get("street2"))
                if line and line.strip()
            ),
            country_name=country.with_context(lang=lang).name if country else "",
            country_id=country.id,
            cvr=cvr or (source.get("vat") or "").strip(),
            is_cvr=bool(cvr),
        )
        return data

    @api.model
    def _economic_customer_defaults(self, company, data):
        """The connector's defaults for a new customer of ``company``. The VAT
        zone follows the customer's country: the company's own or none is
        domestic, another of Europe (``base.europe``) EU, any other abroad."""
        currency = company.economic_currency_id or company.currency_id
        country = self.env["res.country"].browse(data["country_id"])
        home = company.country_id
        if not country or not home or country == home:
            vat_zone = company.economic_vat_zone
        elif country in self.env.ref("base.europe").country_ids:
            vat_zone = company.economic_vat_zone_eu
        else:
            vat_zone = company.economic_vat_zone_abroad
        return {
            "currency": currency.name,
            "customer_group": company.economic_customer_group,
            "payment_terms": company.economic_payment_terms,
            "vat_zone": vat_zone,
        }

    # --- Find or create one customer ---

    @api.model
    def _ensure_customer(self, partner_or_vals, company=None):
        """Find the e-conomic customer of a partner (or of the values of one
        about to be created) by CVR, or create it; return ``(customer,
        created)``. Raises ``UserError`` when e-conomic refuses, a default is
        missing or the customer found is linked to another partner."""
        company = company or self.env.company
        self._check_economic_enabled(company)
        partner = partner_or_vals
        if not isinstance(partner_or_vals, models.BaseModel):
            partner = self.env["res.partner"]
        data = self._prepare_economic_customer_vals(partner_or_vals, company)
        if not data["name"]:
            raise UserError(
                self.env._("A customer needs a name before it can go to e-conomic.")
            )
        with self._user_errors(company), self._get_economic_client(company) as client:
            found = self._find_economic_customer(client, data)
            if found:
                other = self._import_partner_model(company).search(
                    [
                        ("economic_customer_number", "=", found["customerNumber"]),
                        ("id", "not in", partner.ids),
                    ],
                    limit=1,
                )
                if other:
                    raise UserError(
                        self.env._(
                            "e-conomic already has this customer as number "
                            "%(number)s (%(name)s), and it is linked to the contact "
                            "%(partner)s in Odoo. Use that contact instead.",
                            number=found["customerNumber"],
                            name=found.get("name") or "",
                            partner=other.display_name,
                        )
                    )
                return found, False
            try:
                body = customer_body_from_partner(
                    data, self._economic_customer_defaults(company, data)
                )
            except FieldTooLong as error:
                field = self.env["res.partner"]._fields[
                    _PARTNER_FIELD_OF.get(error.key, error.key)
                ]
                raise UserError(
                    self.env._(
                        "%(field)s of %(partner)s is longer than e-conomic accepts "
                        "(%(limit)s characters). Shorten it and try again.",
                        field=field._description_string(self.env),
                        partner=data["name"],
                        limit=error.limit,
                    )
                ) from error
            except ValueError as error:
                raise UserError(
                    self.env._(
                        "The customer cannot be created in e-conomic: %(error)s. "
                        "Fill in the defaults for new customers in Settings > CRM > "
                        "e-conomic.",
                        error=error,
                    )
                ) from error
            return self._create_economic_customer(client, company, partner, data, body)

    @api.model
    def _create_economic_customer(self, client, company, partner, data, body):
        """``POST /customers``; after no answer, look up before trying again
        with the same ``Idempotency-Key``. The key is derived, not stored, as
        an unanswered create is rolled back with the user's transaction."""
        subject = (
            f"partner:{partner.id}" if partner else f"new:{data['cvr'] or data['name']}"
        )
        seed = json.dumps(
            [
                self.env["ir.config_parameter"].sudo().get_param("database.uuid"),
                company.id,
                subject,
                body,
            ],
            sort_keys=True,
        )
        key = "tracelink-" + hashlib.sha256(seed.encode()).hexdigest()[:40]
        started = datetime.now(timezone.utc)
        try:
            return client.create_customer(body, idempotency_key=key), True
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
                return found, True
        return client.create_customer(body, idempotency_key=key), True

    @api.model
    def _find_economic_customer(self, client, data, created_since=None):
        """The e-conomic customer with ``data``'s CVR (or VAT) number; without
        one, after an unanswered create, the one of that name changed since."""
        if data["cvr"]:
            cvr = data["cvr"]
            forms = [cvr, f"DK{cvr}"] if data["is_cvr"] else [cvr]
            # lazy: the second form is only asked for when the first finds none
            found = map(self._pick_customer, map(client.find_customers_by_cvr, forms))
            return next(filter(None, found), None)
        if created_since is None:
            return None
        name = data["name"].casefold()
        return self._pick_customer(
            customer
            for customer in client.iter_customers(
                updated_since=created_since - CREATE_LOOKUP_MARGIN
            )
            if isinstance(customer, dict)
            and str(customer.get("name") or "").strip().casefold() == name
        )

    @api.model
    def _pick_customer(self, customers):
        """Return the first usable customer: not barred, lowest number."""
        customers = [c for c in customers if customer_numbers([c])]
        customers.sort(key=lambda c: (bool(c.get("barred")), c["customerNumber"]))
        return customers[0] if customers else None

    @api.model
    def _check_customer_create_access(self, partners):
        """Let only users who may edit ``partners`` and keep the books create
        customers in e-conomic; checked before any call."""
        partners.check_access("write")
        if not any(self.env.user.has_group(group) for group in _CREATE_GROUPS):
            raise AccessError(
                self.env._(
                    "Only sales managers and accounting users may create "
                    "customers in e-conomic."
                )
            )

    @api.model
    def _check_unique_customer_numbers(self, partners):
        """Refuse an e-conomic number used twice in ``partners.env.company``
        (the company the numbers were written for; each has its own)."""
        numbers = [n for n in partners.mapped("economic_customer_number") if n]
        if not numbers:
            return
        if any(number < 0 for number in numbers):
            raise ValidationError(
                self.env._("An e-conomic customer number cannot be negative.")
            )
        same_numbers = (
            partners.sudo()
            .with_context(active_test=False)
            .search([("economic_customer_number", "in", numbers)], order="id")
        )
        first = {}
        for partner in same_numbers:
            other = first.setdefault(partner.economic_customer_number, partner)
            if other != partner:
                raise ValidationError(
                    self.env._(
                        "The e-conomic customer number %(number)s of %(partner)s "
                        "is already used by %(other)s in %(company)s.",
                        number=partner.economic_customer_number,
                        partner=partner.display_name,
                        other=other.display_name,
                        company=partners.env.company.name,
                    )
                )

    # --- Customer import ---

    @api.model
    def _import_customers(
        self, company, raise_errors=True, commit=False, progress=None
    ):
        """Import e-conomic's customers (those changed since the last
        completed run began) into partners of ``company``. Each page moves a
        checkpoint, so an interrupted run resumes; with ``commit`` (the cron)
        pages are committed and the run stops after ``_import_time_budget``.

        Returns the counts and ``error`` (None, or the message also noted on
        the company unless raised); ``progress["remaining"]`` grows by the
        customers left."""
        company.ensure_one()
        self._check_economic_enabled(company)
        company = company.sudo()
        self._lock_import(company)
        try:
            remaining = self._run_customer_import(company, commit=commit)
        except ServiceError as error:
            message = self._economic_error_message(error, company)
            _logger.warning(
                "e-conomic customer import for company %s failed: %s",
                company.id,
                error,
            )
            if raise_errors:
                raise UserError(message) from error
            company.economic_import_error = message
            return {**self._import_totals(company), "error": message}
        if progress is not None:
            progress["remaining"] = progress.get("remaining", 0) + remaining
        return {**self._import_totals(company), "error": None}

    @api.model
    def _lock_import(self, company):
        """Take the company's import lock for this transaction, or refuse
        (released by commit or rollback: nothing can leave it behind)."""
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", _IMPORT_LOCK, company.id)
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "An e-conomic import for %(company)s is already running. Try "
                    "again when it has finished.",
                    company=company.name,
                )
            )

    @api.model
    def _import_totals(self, company):
        return {key: company[f"economic_import_{key}"] for key in _IMPORT_COUNTS}

    @api.model
    def _run_customer_import(self, company, commit=False):
        """Import the pages still to land; return the customers left for a
        next call."""
        if not company.economic_import_started:
            company.write(
                {
                    "economic_import_started": fields.Datetime.now(),
                    "economic_import_page": 0,
                    "economic_import_last_number": 0,
                    "economic_import_notes": False,
                    **{f"economic_import_{key}": 0 for key in _IMPORT_COUNTS},
                }
            )
            if commit:
                self._commit_page(company)
        started = company.economic_import_started
        last = company.economic_last_import
        since = last - INCREMENTAL_OVERLAP if last else None
        countries = self._economic_country_lookup()
        deadline = time.monotonic() + self._import_time_budget
        with self._get_economic_client(company) as client:
            pages = client.iter_customer_pages(
                updated_since=since, after_number=company.economic_import_last_number
            )
            for customers, pagination in pages:
                self._land_customer_page(company, customers, countries, started, commit)
                total = pagination.get("results")
                remaining = 0
                if isinstance(total, int) and not isinstance(total, bool):
                    remaining = max(0, total - len(customers))
                done = sum(self._import_totals(company).values())
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                if commit:
                    self._commit_page(company)
                    if remaining and time.monotonic() > deadline:
                        break
            else:
                remaining = 0
                company.write(
                    {
                        "economic_last_import": started,
                        "economic_import_started": False,
                        "economic_import_page": 0,
                        "economic_import_last_number": 0,
                        "economic_import_error": False,
                    }
                )
        _logger.info(
            "e-conomic customer import for company %s (%s): %s created, %s "
            "updated, %s unchanged, %s skipped, %s calls%s",
            company.id,
            f"changes since {since}" if since else "all customers",
            *self._import_totals(company).values(),
            client.request_count,
            f"; {remaining} left for the next call" if remaining else "",
        )
        return remaining

    @api.model
    def _commit_page(self, company):
        """Commit a landed page (cron) and take the import lock again."""
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self._lock_import(company)

    @api.model
    def _land_customer_page(self, company, customers, countries, started, commit):
        """Import one page in a savepoint and move the checkpoint past it.
        A concurrency failure is no fault of the customers: the page is
        tried again, never counted as skipped."""
        for attempt in range(1, self._import_page_attempts + 1):
            stats = {**dict.fromkeys(_IMPORT_COUNTS, 0), "notes": []}
            try:
                with self.env.cr.savepoint():
                    self._import_customer_page(
                        company, customers, countries, started, stats
                    )
                break
            except psycopg2.Error as error:
                if (
                    error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY
                    or attempt == self._import_page_attempts
                ):
                    raise
                _logger.info(
                    "e-conomic import of company %s: page after customer %s met "
                    "%s; trying again (%s)",
                    company.id,
                    company.economic_import_last_number,
                    type(error).__name__,
                    attempt,
                )
                if commit:
                    # a new snapshot: the savepoint alone would meet the
                    # same conflict again
                    self.env.cr.rollback()
                    self._lock_import(company)
                self.env.invalidate_all()
        old_notes = (company.economic_import_notes or "").splitlines()
        company.write(
            {
                "economic_import_page": company.economic_import_page + 1,
                "economic_import_last_number": max(
                    [company.economic_import_last_number, *customer_numbers(customers)]
                ),
                **{
                    f"economic_import_{key}": company[f"economic_import_{key}"]
                    + stats[key]
                    for key in _IMPORT_COUNTS
                },
                "economic_import_notes": "\n".join(
                    (old_notes + stats["notes"])[:MAX_IMPORT_NOTES]
                )
                or False,
            }
        )

    @api.model
    def _import_partner_model(self, company):
        """``res.partner`` as the import of ``company`` uses it: all records,
        ``company``'s links, no automatic chatter."""
        return (
            self.env["res.partner"]
            .sudo()
            .with_company(company)
            .with_context(active_test=False, tracking_disable=True)
        )

    @api.model
    def _import_customer_page(self, company, customers, countries, now, stats):
        """Match, update and create the partners of one page of customers:
        the partner linked to the number, else an unlinked one with the CVR
        number, else the one with the same name and zip. A partner another
        company has linked only gets its empty fields filled."""
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
                self._skip_customer(number, error, stats)
                continue
            incoming[values["economic_number"]] = values
        if not incoming:
            return
        Partner = self._import_partner_model(company)
        by_number = {
            partner.economic_customer_number: partner
            for partner in Partner.search(
                [("economic_customer_number", "in", list(incoming))]
            )
        }
        unlinked = [v for n, v in incoming.items() if n not in by_number]
        by_cvr = Partner._find_partners_by_cvr(
            {values["cvr"] for values in unlinked},
            company,
            domain=[("economic_customer_number", "=", False)],
        )
        by_name = self._partners_by_name_zip(
            company, [values for values in unlinked if not values["cvr"]]
        )
        shared = self._linked_elsewhere(
            Partner.union(*by_number.values(), *by_cvr.values(), *by_name.values()),
            company,
        )
        # What every new partner shares, res.partner's defaults included:
        # found once for the page, not by create for each partner.
        new_partner = {
            **Partner.default_get(list(Partner._fields)),
            "economic_last_sync": now,
            "company_id": company.id,
            "is_company": True,
            "customer_rank": 1,
        }
        to_create, to_update, unchanged_ids, summaries = [], [], [], {}
        for number, values in incoming.items():
            vals = self._prepare_partner_vals_from_economic(values, countries)
            try:
                partner = self._match_partner(values, by_number, by_cvr, by_name)
            except ValueError as reason:
                self._skip_customer(number, reason, stats)
                continue
            if not partner:
                vals = {**new_partner, **vals, "economic_customer_number": number}
                to_create.append((number, vals))
                continue
            if not partner.economic_customer_number:
                vals = {"economic_customer_number": number, **vals}
            changes, lines = self._partner_changes(
                partner, vals, fill_only=partner.id in shared
            )
            if changes:
                changes["economic_last_sync"] = now
                to_update.append((number, (partner, changes)))
                summaries[partner.id] = (number, lines)
            else:
                unchanged_ids.append(partner.id)

        if unchanged_ids:
            Partner.browse(unchanged_ids).write({"economic_last_sync": now})
            stats["unchanged"] += len(unchanged_ids)

        def write_all(pairs):
            for partner, changes in pairs:
                partner.write(changes)

        self._apply_in_batch(to_update, write_all, "updated", stats)
        self._apply_in_batch(to_create, Partner.create, "created", stats)
        self._log_import_changes(company, Partner, summaries)

    @api.model
    def _match_partner(self, values, by_number, by_cvr, by_name):
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
        candidates = by_name.pop(_name_zip_key(values["name"], values["zip"]), None)
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
    def _partners_by_name_zip(self, company, values_list):
        """``{(name, zip): partners}`` among the company partners without CVR
        number, of ``company`` or shared, that ``company`` has not linked."""
        if not values_list:
            return {}
        keys = {_name_zip_key(v["name"], v["zip"]) for v in values_list}
        Partner = self._import_partner_model(company)
        query = Partner._search(
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
                Partner._field_to_sql(query.table, "name", query),
                tuple({name for name, _zip in keys}),
            )
        )
        found = {}
        for partner in Partner.browse(query):
            key = _name_zip_key(partner.name, partner.zip)
            if key in keys and not partner._get_cvr_number():
                found[key] = found.get(key, partner.browse()) | partner
        return found

    @api.model
    def _linked_elsewhere(self, partners, company):
        """Return the ids of ``partners`` that another company has linked."""
        if not partners:
            return set()
        self.env["res.partner"].flush_model(["economic_customer_number"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM res_partner WHERE id IN %s "
                "AND economic_customer_number - %s <> '{}'::jsonb",
                tuple(partners.ids),
                str(company.id),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _partner_changes(self, partner, vals, fill_only=False):
        """``(changes, lines)``: what of ``vals`` to write on ``partner``, and
        a line per change for the chatter. Identifying numbers, and with
        ``fill_only`` every field, are only filled when empty; a different
        identifying number is named in a line."""
        changes, lines = {}, []
        for field, value in vals.items():
            current = partner[field]
            if field == "country_id":
                current = current.id
            elif field == "website":
                value = partner._clean_website(value)
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
                            field=partner._fields[field]._description_string(self.env),
                            value=current,
                            economic=value,
                        )
                    )
                continue
            changes[field] = vals[field]
            lines.append(partner._change_line(field, current, value))
        return changes, lines

    @api.model
    def _log_import_changes(self, company, Partner, summaries):
        """One chatter note per partner the import changed, naming every
        change and every identifying number it kept."""
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
            Partner.browse(list(bodies))._message_log_batch(bodies)

    @api.model
    def _apply_in_batch(self, items, apply, key, stats):
        """Run ``apply`` on the payloads of ``(customer number, payload)``
        pairs at once; one by one on failure, skipping those that fail alone.
        A concurrency failure goes up to be retried."""
        if not items:
            return
        try:
            with self.env.cr.savepoint():
                apply([payload for _number, payload in items])
            stats[key] += len(items)
            return
        except _RECORD_ERRORS as error:
            _raise_if_concurrency(error)
            _logger.info(
                "e-conomic import: a batch of %s failed (%s); retrying one by one",
                len(items),
                type(error).__name__,
            )
        for number, payload in items:
            try:
                with self.env.cr.savepoint():
                    apply([payload])
                stats[key] += 1
            except _RECORD_ERRORS as error:
                _raise_if_concurrency(error)
                self._skip_customer(number, error, stats)

    @api.model
    def _skip_customer(self, number, error, stats):
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

    @api.model
    def _cron_import_customers(self):
        """Import the customers of every company with e-conomic enabled; a
        failing company does not stop the others, a running import is left
        to itself."""
        commit = not modules.module.current_test
        companies = (
            self.env["res.company"].sudo().search([("economic_enabled", "=", True)])
        )
        done = 0
        progress = {"remaining": 0}
        for company in companies:
            try:
                with self._company_transaction(commit):
                    result = self._import_customers(
                        company, raise_errors=False, commit=commit, progress=progress
                    )
            except UserError as error:
                _logger.info(
                    "e-conomic import of company %s not run: %s", company.id, error
                )
                continue
            except Exception:
                _logger.exception(
                    "e-conomic import of company %s failed; the other companies "
                    "are imported all the same",
                    company.id,
                )
                continue
            done += sum(result[key] for key in ("created", "updated", "unchanged"))
        self.env["ir.cron"]._notify_progress(done=done, remaining=progress["remaining"])

    @contextmanager
    def _company_transaction(self, commit):
        """Keep one company's import apart from the others': committed on
        its own by the cron, in a savepoint otherwise."""
        if not commit:
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            self.env.invalidate_all()
            raise
        self.env.cr.commit()  # pylint: disable=invalid-commit
