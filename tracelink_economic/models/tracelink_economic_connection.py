"""A company's connection to e-conomic: tokens, defaults of new customers and
invoices, state of the customer import and of the invoice sync."""

import hashlib
import json
import logging
import secrets
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import psycopg2
from babel import Locale
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)
from odoo.addons.tracelink_cvr.tools.http_client import is_secure_url

from ..tools.economic_client import DEFAULT_BASE_URL, EconomicClient
from ..tools.economic_mapping import (
    PARTNER_TEXT_KEYS,
    FieldTooLong,
    customer_body_from_partner,
    customer_data_from_partner,
    item_numbers,
    pick_customer,
)

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

# An incremental import asks for the customers changed since the start of the
# last completed run minus this margin: the clocks of Odoo and e-conomic are
# not the same, and reading a customer twice changes nothing.
INCREMENTAL_OVERLAP = timedelta(minutes=5)
# After a create that got no answer, customers changed since shortly before
# the create are searched for the one Odoo sent (customers without CVR).
CREATE_LOOKUP_MARGIN = timedelta(minutes=10)
# Lines about skipped customers kept for the summary of a run.
MAX_IMPORT_NOTES = 50
# First keys of the advisory locks held while a company's customers are
# imported ("TLEI") and while its invoices are read ("TLES"); the second key
# is the company id.
IMPORT_LOCK = 0x544C4549
INVOICE_SYNC_LOCK = 0x544C4553
IMPORT_COUNTS = ("created", "updated", "unchanged", "skipped")
# An order whose invoice is booked and not paid yet.
_OPEN_INVOICE = ("economic_invoice_state", "in", ("booked", "partial", "overdue"))
SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CONNECTION_MENU = _lt("Contacts > Configuration > e-conomic")
# e-conomic's ``country`` is free text, usually in Danish: names in the
# installed languages and in Danish (Babel's) are recognised, and these.
_COUNTRY_ALIASES = {"england": "GB", "holland": "NL", "nederlandene": "NL"}
# The numbers of e-conomic's own records that new customers get.
_DEFAULT_NUMBERS = (
    "customer_group",
    "payment_terms",
    "vat_zone",
    "vat_zone_eu",
    "vat_zone_abroad",
)
# Partner field of a key of the plain customer data, where not the same.
_PARTNER_FIELD_OF = {"country_name": "country_id", "cvr": "vat"}


def synced_field(kind, **options):
    """A field kept by the import or the sync itself: never edited, never copied."""
    return kind(readonly=True, copy=False, **options)


class TracelinkEconomicConnection(models.Model):
    _name = "tracelink.economic.connection"
    _inherit = ["mail.thread", "tracelink.api"]
    _description = "e-conomic Connection"
    _rec_name = "company_id"
    _order = "company_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    state = fields.Selection(
        [("disabled", "Disabled"), ("enabled", "Enabled")],
        default="disabled",
        required=True,
        tracking=True,
        help="Enabled: New CVR customer creates the customer in e-conomic "
        "first, Create in e-conomic is offered on companies, and e-conomic's "
        "customers are imported every hour.",
    )
    # The address and the tokens decide where the tokens go: administrators
    # only (the model's other readers, sales managers, never see them).
    base_url = fields.Char(
        string="Address",
        default=DEFAULT_BASE_URL,
        required=True,
        groups="base.group_system",
    )
    app_secret_token = fields.Char(groups="base.group_system", copy=False)
    agreement_grant_token = fields.Char(groups="base.group_system", copy=False)
    timeout = fields.Integer(
        string="Timeout (seconds)",
        default=30,
        help="How long to wait for each answer of e-conomic.",
    )
    customer_group = fields.Integer(
        default=1, help="Number of the customer group new customers get."
    )
    payment_terms = fields.Integer(
        default=1, help="Number of the payment terms new customers get."
    )
    vat_zone = fields.Integer(
        string="VAT Zone",
        default=1,
        help="Number of the VAT zone new customers in the company's own country "
        "(or without a country) get (1 is Domestic on standard agreements).",
    )
    vat_zone_eu = fields.Integer(
        string="VAT Zone, EU",
        default=2,
        help="Number of the VAT zone new customers in another country of Europe "
        "get (2 is EU on standard agreements).",
    )
    vat_zone_abroad = fields.Integer(
        string="VAT Zone, Abroad",
        default=3,
        help="Number of the VAT zone new customers outside Europe get (3 is "
        "Abroad on standard agreements).",
    )
    currency_id = fields.Many2one(
        "res.currency", help="Currency of new customers; empty: the company's."
    )
    last_import = synced_field(
        fields.Datetime,
        help="Start of the last completed customer import; the next one asks "
        "e-conomic only for customers changed since then.",
    )
    # The run under way (or the last one): its checkpoint and figures. It
    # resumes after the last page that landed; last_import moves when every
    # page has landed.
    import_started = synced_field(
        fields.Datetime, help="Start of the import under way; empty when none is."
    )
    import_page = synced_field(fields.Integer, string="Pages Landed")
    import_last_number = synced_field(
        fields.Integer,
        string="Checkpoint",
        help="Highest customer number of the pages landed by the import under "
        "way; it goes on after this number.",
    )
    import_created = synced_field(fields.Integer, string="Customers Created")
    import_updated = synced_field(fields.Integer, string="Customers Updated")
    import_unchanged = synced_field(fields.Integer, string="Customers Unchanged")
    import_skipped = synced_field(fields.Integer, string="Customers Skipped")
    import_notes = synced_field(
        fields.Text, help="The customers the import skipped, and why."
    )
    import_error = synced_field(
        fields.Text,
        help="Why the last page of the import failed; empty once a page lands. "
        "The scheduled import tries again at its next hourly run.",
    )

    # Invoices: drafts of the company's sale orders in e-conomic
    invoice_enabled = fields.Boolean(
        string="Invoices in e-conomic",
        tracking=True,
        help="Sale orders become invoice drafts in e-conomic, and their "
        "payment state is read back.",
    )
    invoice_trigger = fields.Selection(
        [
            ("confirm", "On Order Confirmation"),
            ("delivered", "When Fully Delivered"),
            ("manual", "By Hand Only"),
        ],
        string="Draft Made",
        default="manual",
        required=True,
        tracking=True,
        help="When an order's invoice draft is made in e-conomic; Send to "
        "e-conomic on the order makes it at any time.",
    )
    invoice_layout_id = fields.Many2one(
        "tracelink.economic.layout",
        string="Layout",
        check_company=True,
        tracking=True,
        help="The e-conomic layout of the invoices (Read Layouts lists the "
        "agreement's).",
    )
    invoice_product_mode = fields.Selection(
        [
            ("create", "Create Missing Products"),
            ("default", "Use the Default Product"),
        ],
        string="Products Missing in e-conomic",
        default="default",
        required=True,
        help="An order line's product is the e-conomic product whose number is "
        "its internal reference. One e-conomic does not have is created there "
        "(in the product group below), or the line goes on the default product.",
    )
    invoice_product_group = fields.Integer(
        string="Product Group",
        default=1,
        help="Number of the e-conomic product group new products are created in.",
    )
    invoice_default_product = fields.Char(
        string="Default Product No.",
        help="Number of the e-conomic product for lines whose product has no "
        "internal reference, or one e-conomic does not have.",
    )
    invoice_booking = fields.Selection(
        [
            ("draft", "Leave as Draft"),
            ("book", "Book at Once"),
            ("book_ean", "Book at Once, Send by EAN"),
        ],
        string="Booking",
        default="draft",
        required=True,
        tracking=True,
        help="Leave the draft for the bookkeeper, or book it at once (booking "
        "cannot be undone; by EAN, e-conomic sends it through NemHandel).",
    )
    webhook_token = fields.Char(
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Secret of the webhook URL: e-conomic's Invoice booked webhook "
        "calls it and the invoices' state is read at once.",
    )
    webhook_url = fields.Char(
        string="Webhook URL",
        compute="_compute_webhook_url",
        groups="base.group_system",
        help="Give this address to e-conomic's Invoice booked webhook.",
    )
    invoice_sync_last = synced_field(
        fields.Datetime,
        string="Last Invoice Sync",
        help="End of the last completed read of the invoices' state.",
    )
    invoice_sync_phase = synced_field(
        fields.Selection,
        selection=[("booked", "New Booked Invoices"), ("unpaid", "Unpaid Invoices")],
        string="Invoice Sync Under Way",
    )
    invoice_sync_after = synced_field(
        fields.Integer,
        string="Invoice Sync Checkpoint",
        help="Booked number after which the read under way goes on.",
    )
    invoice_last_booked = synced_field(
        fields.Integer,
        string="Last Booked Invoice Seen",
        help="Highest booked invoice number read: the next read asks for the "
        "invoices booked after it.",
    )
    invoice_sync_known = synced_field(fields.Integer)

    _sql_constraints = [
        (
            "company_uniq",
            "unique(company_id)",
            "A company has one e-conomic connection.",
        ),
    ]

    @api.depends("webhook_token", "company_id")
    def _compute_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for connection in self:
            connection.webhook_url = (
                f"{base}/tracelink_economic/webhook/{connection.company_id.id}/"
                f"{connection.webhook_token}"
                if connection.webhook_token and connection.company_id
                else False
            )

    @api.constrains(*_DEFAULT_NUMBERS, "timeout")
    def _check_numbers(self):
        for connection in self:
            if connection.timeout < 1:
                raise ValidationError(
                    self.env._("The e-conomic timeout must be at least one second.")
                )
            if any(connection[name] < 0 for name in _DEFAULT_NUMBERS):
                raise ValidationError(
                    self.env._(
                        "e-conomic customer group, payment terms and VAT zone "
                        "numbers cannot be negative."
                    )
                )

    @api.constrains("base_url")
    def _check_base_url(self):
        """The tokens travel with every call: HTTPS only."""
        for connection in self.sudo():
            if not is_secure_url(connection.base_url):
                raise ValidationError(
                    self.env._(
                        "e-conomic receives the agreement's tokens: its address "
                        "must start with https:// (a plain http:// address is "
                        "only accepted on this machine)."
                    )
                )

    @api.constrains("invoice_enabled", "invoice_layout_id")
    def _check_invoice_layout(self):
        for connection in self:
            if connection.invoice_enabled and not connection.invoice_layout_id:
                raise ValidationError(
                    self.env._(
                        "Invoices in e-conomic need a layout: read the agreement's "
                        "layouts and choose one."
                    )
                )

    def action_test_connection(self):
        self.ensure_one()
        self.check_access("write")
        try:
            agreement, name = self._test_connection()
        except UserError as error:
            return self._notification(error.args[0], "danger")
        return self._notification(
            self.env._(
                "Connected to e-conomic: agreement %(agreement)s, %(company)s.",
                agreement=agreement,
                company=name,
            ),
            "success",
        )

    def action_import_now(self):
        """Land the next page of the customer import now (a new run when none
        is under way); the scheduled import, called at once, lands the rest."""
        self.ensure_one()
        self.check_access("write")
        self._check_enabled()
        try:
            landed, left = self._import_page_noted()
        except UserError as error:
            return self._notification(error.args[0], "danger")
        # reloaded: the form shows the run's new figures and its chatter message
        if self.import_error:
            return self._notification(self.import_error, "danger", reload=True)
        if left:
            self.env.ref(
                "tracelink_economic.ir_cron_economic_import_customers"
            )._trigger()
            return self._notification(
                self.env._(
                    "%(landed)s e-conomic customers imported; the %(left)s left "
                    "follow in the background. The summary will be posted on "
                    "the connection.",
                    landed=landed,
                    left=left,
                ),
                "info",
                reload=True,
            )
        kind = "warning" if self.import_skipped else "success"
        return self._notification(self._import_summary(), kind, reload=True)

    def action_read_layouts(self):
        self.ensure_one()
        self.check_access("write")
        try:
            with self._user_errors(), self._get_client() as client:
                layouts = list(client.iter_collection("/layouts"))
        except UserError as error:
            return self._notification(error.args[0], "danger")
        count = self.env["tracelink.economic.layout"]._store(self.company_id, layouts)
        message = self.env._("%s e-conomic layouts read.", count)
        return self._notification(message, "success", reload=True)

    @api.model
    def _get_company_action(self, company):
        """The window of ``company``'s connection (a new one when it has
        none), e.g. for a link in Settings."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_economic.tracelink_economic_connection_action"
        )
        connection = self.search([("company_id", "=", company.id)], limit=1)
        action.update(
            views=[(False, "form")],
            res_id=connection.id,
            context={"default_company_id": company.id},
        )
        return action

    def _notification(self, message, kind, reload=False):
        params = {
            "title": self.env._("e-conomic"),
            "message": message,
            "type": kind,
            "sticky": kind not in ("success", "info"),
        }
        if reload:
            params["next"] = SOFT_RELOAD
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    @api.model
    def _for_company(self, company):
        """The enabled connection of ``company`` (as superuser: every user's
        New CVR customer may use it), or an empty recordset."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("state", "=", "enabled")], limit=1
        )

    @api.model
    def _for_invoices(self, company):
        connection = self._for_company(company)
        return connection if connection.invoice_enabled else connection.browse()

    def _check_enabled(self):
        if self.state != "enabled":
            raise UserError(
                self.env._(
                    "The e-conomic connection of %(company)s is not enabled. "
                    "Enable it in %(menu)s.",
                    company=self.company_id.name,
                    menu=self.env._(CONNECTION_MENU),
                )
            )

    def _get_client(self):
        self.ensure_one()
        settings = self.sudo()
        return EconomicClient(
            base_url=(settings.base_url or "").strip(),
            app_secret_token=settings.app_secret_token,
            agreement_grant_token=settings.agreement_grant_token,
            timeout=settings.timeout,
        )

    @contextmanager
    def _user_errors(self):
        try:
            yield
        except ServiceError as error:
            raise UserError(self._error_message(error)) from error

    def _error_message(self, error):
        """The shared table's message (``tracelink.api``) plus what only
        e-conomic tells: each refused field, how long to wait, the log id."""
        if isinstance(error, AuthenticationFailed) and error.status is None:
            message = self.env._(
                "The e-conomic tokens are not set. Enter the App Secret Token "
                "and the Agreement Grant Token in %s.",
                self.env._(CONNECTION_MENU),
            )
        else:
            message = self._service_error_message(
                error, "e-conomic", self.env._(CONNECTION_MENU), timeout=self.timeout
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

    def _test_connection(self):
        self.ensure_one()
        with self._user_errors(), self._get_client() as client:
            answer = client.get_self()
            company_info = answer.get("company")
            name = company_info.get("name") if isinstance(company_info, dict) else None
            if not name:
                raise MalformedResponse("the answer of /self names no company")
        return answer.get("agreementNumber"), name

    def _invoice_idempotency_key(self, *subject):
        """The key of a create that must happen once: the database, the
        company and ``subject`` (e.g. an order), never a retry counter."""
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        seed = json.dumps([uuid, self.company_id.id, *subject], sort_keys=True)
        return "tracelink-" + hashlib.sha256(seed.encode()).hexdigest()[:40]

    def _lock_company(self, key):
        """Take the advisory lock ``(key, company)`` for this transaction
        (released by commit or rollback: nothing can leave it behind);
        False when another transaction holds it."""
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", key, self.company_id.id)
        )
        return self.env.cr.fetchone()[0]

    def _post_failure(self, intro, message):
        _logger.warning(
            "e-conomic of company %s: %s %s", self.company_id.id, intro, message
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (intro, message),
            subtype_xmlid="mail.mt_note",
        )

    def _ensure_customer(self, partner_or_vals):
        """``(customer, created)``: the e-conomic customer of a partner (or
        of the values of one about to be created), found by CVR number, else
        created; ``UserError`` when it is linked to another partner."""
        self.ensure_one()
        self._check_enabled()
        is_partner = isinstance(partner_or_vals, models.BaseModel)
        partner = partner_or_vals if is_partner else self.env["res.partner"]
        data = self._customer_data(partner_or_vals)
        if not data["name"]:
            raise UserError(
                self.env._("A customer needs a name before it can go to e-conomic.")
            )
        with self._user_errors(), self._get_client() as client:
            found = self._find_customer(client, data)
            if found:
                self._check_customer_unlinked(found, partner)
                return found, False
            body = self._customer_body(data)
            return self._create_customer(client, partner, data, body), True

    def _customer_data(self, partner_or_vals):
        """The plain customer data of a partner or of partner values, its
        country named in the company's language, plus ``country_id``."""
        source = partner_or_vals
        if isinstance(source, models.BaseModel):
            names = [*PARTNER_TEXT_KEYS, "street2", "vat", "company_registry"]
            source = source.read([*names, "country_id"], load=None)[0]
        country = self.env["res.country"].browse(source.get("country_id") or [])
        lang = self.company_id.partner_id.lang or self.env.lang
        name = country.with_context(lang=lang).name if country else ""
        return {**customer_data_from_partner(source, name), "country_id": country.id}

    def _customer_body(self, data):
        try:
            return customer_body_from_partner(data, self._customer_defaults(data))
        except FieldTooLong as error:
            name = _PARTNER_FIELD_OF.get(error.key, error.key)
            field = self.env["res.partner"]._fields[name]
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
                    "Fill in the defaults for new customers in %(menu)s.",
                    error=error,
                    menu=self.env._(CONNECTION_MENU),
                )
            ) from error

    def _customer_defaults(self, data):
        """The defaults of a new customer. The VAT zone follows the customer's
        country: the company's own or none is domestic, another of Europe
        (``base.europe``) EU, any other abroad."""
        company = self.company_id
        country = self.env["res.country"].browse(data["country_id"])
        home = company.country_id
        if not country or not home or country == home:
            vat_zone = self.vat_zone
        elif country in self.env.ref("base.europe").country_ids:
            vat_zone = self.vat_zone_eu
        else:
            vat_zone = self.vat_zone_abroad
        return {
            "currency": (self.currency_id or company.currency_id).name,
            "customer_group": self.customer_group,
            "payment_terms": self.payment_terms,
            "vat_zone": vat_zone,
        }

    def _check_customer_unlinked(self, customer, partner):
        number = customer["customerNumber"]
        Partner = self.env["res.partner"].sudo().with_company(self.company_id)
        other = Partner.with_context(active_test=False).search(
            [("economic_customer_number", "=", number), ("id", "not in", partner.ids)],
            limit=1,
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

    def _create_customer(self, client, partner, data, body):
        """``POST /customers``; after no answer, look up before trying again
        with the same ``Idempotency-Key``. The key is derived, not stored, as
        an unanswered create is rolled back with the user's transaction."""
        subject = (
            f"partner:{partner.id}" if partner else f"new:{data['cvr'] or data['name']}"
        )
        key = self._invoice_idempotency_key(subject, body)
        started = datetime.now(timezone.utc)
        try:
            return client.create_customer(body, idempotency_key=key)
        except (ServiceTimeout, ServiceUnavailable) as error:
            _logger.warning(
                "e-conomic: creating customer %r got no answer (%s); looking it up "
                "before trying again",
                data["name"],
                error,
            )
            found = self._find_customer(client, data, created_since=started)
            if found:
                _logger.info(
                    "e-conomic: customer %r exists after all as number %s",
                    data["name"],
                    found["customerNumber"],
                )
                return found
        return client.create_customer(body, idempotency_key=key)

    @api.model
    def _find_customer(self, client, data, created_since=None):
        """The e-conomic customer with ``data``'s CVR (or VAT) number; without
        one, after an unanswered create, the one of that name changed since."""
        if data["cvr"]:
            cvr = data["cvr"]
            forms = [cvr, f"DK{cvr}"] if data["is_cvr"] else [cvr]
            # lazy: the second form is only asked for when the first finds none
            found = map(pick_customer, map(client.find_customers_by_cvr, forms))
            return next(filter(None, found), None)
        if created_since is None:
            return None
        name = data["name"].casefold()
        return pick_customer(
            customer
            for customer in client.iter_customers(
                updated_since=created_since - CREATE_LOOKUP_MARGIN
            )
            if isinstance(customer, dict)
            and str(customer.get("name") or "").strip().casefold() == name
        )

    def _import_page(self):
        """Land the next page of the customer import, starting a run when
        none is under way; return ``(customers landed, customers left)``.
        The client's failures go up as they are."""
        self.ensure_one()
        self._lock_import()
        if not self.import_started:
            self.write(
                {
                    "import_started": fields.Datetime.now(),
                    "import_page": 0,
                    "import_last_number": 0,
                    "import_notes": False,
                    **{f"import_{key}": 0 for key in IMPORT_COUNTS},
                }
            )
        since = self.last_import and self.last_import - INCREMENTAL_OVERLAP
        with self._get_client() as client:
            customers, pagination = next(
                client.iter_customer_pages(
                    updated_since=since or None, after_number=self.import_last_number
                )
            )
        stats = self.env["res.partner"]._economic_import_customers(
            self.company_id, customers, self._country_lookup()
        )
        numbers = item_numbers(customers, "customerNumber")
        notes = (self.import_notes or "").splitlines() + stats["notes"]
        self.write(
            {
                "import_page": self.import_page + 1,
                "import_last_number": max([self.import_last_number, *numbers]),
                "import_notes": "\n".join(notes[:MAX_IMPORT_NOTES]) or False,
                "import_error": False,
                **{
                    f"import_{key}": self[f"import_{key}"] + stats[key]
                    for key in IMPORT_COUNTS
                },
            }
        )
        if not (pagination.get("nextPage") and numbers):
            self._finish_import()
            return len(customers), 0
        total = pagination.get("results")
        left = total - len(customers) if isinstance(total, int) else 1
        return len(customers), max(1, left)

    def _import_page_noted(self):
        """``_import_page`` in a savepoint: a failure of e-conomic, or one
        met by this company's page, is noted on the connection (field and
        chatter) and lands nothing; the run keeps its checkpoint for the next
        scheduled run. "Already running" and a conflict with another
        transaction go up: nothing failed, the page waits."""
        try:
            with self.env.cr.savepoint():
                return self._import_page()
        except ServiceError as error:
            message = self._error_message(error)
        except UserError:
            raise
        except Exception as error:
            if getattr(error, "pgcode", None) in PG_CONCURRENCY_ERRORS_TO_RETRY:
                raise
            _logger.exception("e-conomic import of company %s", self.company_id.id)
            message = self.env._(
                "The import stopped on an unexpected error (%s); the server "
                "log has the details.",
                type(error).__name__,
            )
        self.import_error = message
        self._post_failure(
            self.env._(
                "The customer import failed; it goes on from its last landed "
                "page at the next scheduled run:"
            ),
            message,
        )
        return 0, 0

    def _lock_import(self):
        if not self._lock_company(IMPORT_LOCK):
            raise UserError(
                self.env._(
                    "An e-conomic import for %(company)s is already running. Try "
                    "again when it has finished.",
                    company=self.company_id.name,
                )
            )
        # The connection's row too: when another run landed a page after this
        # transaction began, its checkpoint is not visible here and this fails
        # at once (a serialization failure: the next call lands the page),
        # before that page is fetched a second time. Expected, so not logged
        # as a bad query.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM tracelink_economic_connection WHERE id = %s "
                "FOR NO KEY UPDATE",
                self.id,
            ),
            log_exceptions=False,
        )

    def _finish_import(self):
        """Every page landed: the next run asks for the changes since this
        one began; its summary goes to the chatter."""
        scope = (
            self.env._("changes since %s", fields.Datetime.to_string(self.last_import))
            if self.last_import
            else self.env._("all customers")
        )
        self.write(
            {
                "last_import": self.import_started,
                "import_started": False,
                "import_page": 0,
                "import_last_number": 0,
            }
        )
        notes = Markup().join(
            Markup("<li>%s</li>") % line
            for line in (self.import_notes or "").splitlines()
        )
        summary = self._import_summary()
        self.message_post(
            body=Markup("<p>%s (%s)</p>") % (summary, scope)
            + (Markup("<ul>%s</ul>") % notes if notes else ""),
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "e-conomic customer import of company %s (%s): %s",
            self.company_id.id,
            scope,
            summary,
        )

    def _import_summary(self):
        return self.env._(
            "e-conomic customers imported: %(created)s created, %(updated)s "
            "updated, %(unchanged)s unchanged, %(skipped)s skipped.",
            created=self.import_created,
            updated=self.import_updated,
            unchanged=self.import_unchanged,
            skipped=self.import_skipped,
        )

    @api.model
    def _country_lookup(self):
        """``{casefolded country name or code: id}``"""
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
    def _cron_import_customers(self):
        """The scheduled import: one page of each run per call, the customers
        left reported to ir.cron, which calls again while some are. A call
        with no run under way starts one on every enabled connection (the
        hourly call); a connection whose page failed waits for that call,
        and another's running import for its end."""
        connections = self.sudo().search([("state", "=", "enabled")])
        under_way = connections.filtered(
            lambda c: c.import_started and not c.import_error
        )
        done = left = 0
        for connection in under_way or connections:
            try:
                landed, remaining = connection._import_page_noted()
            except UserError as error:
                _logger.info(
                    "e-conomic import of company %s not run: %s",
                    connection.company_id.id,
                    error,
                )
                continue
            except psycopg2.Error as error:
                # a serialization failure or lock timeout: the next call,
                # in a new transaction, lands the page
                _logger.info(
                    "e-conomic import of company %s met %s; the next call goes on",
                    connection.company_id.id,
                    type(error).__name__,
                )
                landed, remaining = 0, 1
            done += landed
            left += remaining
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)

    @api.model
    def _cron_sync_invoices(self):
        """The scheduled read of the invoices: drafts of the fully delivered
        orders first, then one page of e-conomic's booked invoices per call,
        the work left reported to ir.cron, which calls again while some is.
        A company whose invoices another run reads is left to it."""
        done = left = 0
        for connection in self.sudo().search(
            [("state", "=", "enabled"), ("invoice_enabled", "=", True)]
        ):
            if not connection._lock_company(INVOICE_SYNC_LOCK):
                _logger.info(
                    "e-conomic invoice sync of company %s is already running",
                    connection.company_id.id,
                )
                continue
            try:
                with self.env.cr.savepoint():
                    sent, pending = connection._send_delivered_orders()
                    read, more = connection._sync_invoice_page()
            except ServiceError as error:
                connection._post_failure(
                    self.env._("Reading the invoices' state failed:"),
                    connection._error_message(error),
                )
                continue
            done += sent + read
            left += pending + more
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)

    def _send_delivered_orders(self, limit=20):
        """Make the drafts of this company's fully delivered orders (when
        drafts are made on delivery); ``(sent, left)``."""
        if self.invoice_trigger != "delivered":
            return 0, 0
        delivered = self._orders(
            ("state", "=", "sale"),
            ("economic_invoice_state", "=", False),
            ("economic_invoice_error", "=", False),
        ).filtered("economic_fully_delivered")
        for order in delivered[:limit]:
            order._economic_send_noted()
        return min(len(delivered), limit), max(0, len(delivered) - limit)

    def _sync_invoice_page(self):
        """Read one page of the invoices' state; ``(invoices read, pages
        left)``. A run reads the invoices booked after the last one seen
        (new bookings with their remainder), then, when orders booked before
        the run are still open, e-conomic's unpaid invoices: an open order
        whose invoice is not among them has been paid."""
        self.ensure_one()
        if not self.invoice_sync_phase:
            self.invoice_sync_phase = "booked"
            self.invoice_sync_known = self.invoice_last_booked
            self.invoice_sync_after = 0
        unpaid = self.invoice_sync_phase == "unpaid"
        after = self.invoice_sync_after if unpaid else self.invoice_last_booked
        with self._get_client() as client:
            invoices, pagination = client.booked_page(after, unpaid=unpaid)
        self.env["sale.order"].sudo()._economic_apply_booked(self.company_id, invoices)
        numbers = item_numbers(invoices, "bookedInvoiceNumber")
        more = bool(pagination.get("nextPage") and numbers)
        known = self.invoice_sync_known
        if unpaid:
            # open orders in this page's range whose invoice is no longer unpaid: paid
            last = min(known, max(numbers)) if more else known
            self._orders(
                _OPEN_INVOICE,
                ("economic_invoice_number", ">", after),
                ("economic_invoice_number", "<=", last),
                ("economic_invoice_number", "not in", numbers),
            ).write({"economic_invoice_state": "paid", "economic_remainder": 0.0})
            self.invoice_sync_after = max(numbers) if more else 0
        else:
            self.invoice_last_booked = max([self.invoice_last_booked, *numbers])
            open_before = ("economic_invoice_number", "<=", known)
            if not more and self._orders(_OPEN_INVOICE, open_before, limit=1):
                self.invoice_sync_phase = "unpaid"
                return len(invoices), 1
        if not more:
            self.write(
                {
                    "invoice_sync_phase": False,
                    "invoice_sync_after": 0,
                    "invoice_sync_last": fields.Datetime.now(),
                }
            )
        return len(invoices), int(more)

    def _orders(self, *domain, limit=None):
        return (
            self.env["sale.order"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), *domain], limit=limit)
        )
