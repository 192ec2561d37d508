"""A local, stateful stand-in for e-conomic's REST API.

For tests and benchmarks only: it answers ``/self`` and ``/customers`` the way
e-conomic does (pagination object, filters, validation errors with the nested
``errors`` object, token checks, read-only demo agreement) and can be told to
fail, to be slow, or to time out right after creating a customer.

With the pytest-httpserver fixture::

    fake = FakeEconomic()
    fake.add_customers(50)
    fake.install(httpserver)
    client = EconomicClient(httpserver.url_for("/"), fake.app_secret_token,
                            fake.agreement_grant_token)

Without pytest (Odoo tests, benchmarks)::

    server = fake.start_server()      # threaded, 127.0.0.1, a free port
    base_url = server.url_for("/")
    ...
    server.stop()

Handlers that wait (``delay_next``, ``timeout_after_create``) hold the
server's thread: on a single-threaded server (the pytest fixture's) the next
request queues behind them. ``start_server`` starts a threaded one.

Error codes other than ``E04300`` (validation failed) and ``E06000``
(referenced entity not found) are placeholders starting with ``FAKE-``.
"""

import copy
import json
import random
import re
import threading
import time
from collections import Counter, deque
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

from werkzeug.wrappers import Response

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 20
IDEMPOTENCY_WINDOW = timedelta(hours=1)
_WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
# e-conomic unescapes "$" followed by one of these, nothing else: a comma or
# a bracket stands for itself ("$[" and "$]" would match nothing).
_FILTER_SPECIALS = frozenset("$()*")
_COMPARISONS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte", "like", "null"})
_OPERATOR = re.compile(r"\$([A-Za-z]+):")
_TEXT_PROPERTIES = (
    "address",
    "zip",
    "city",
    "country",
    "email",
    "telephoneAndFaxNumber",
    "mobilePhone",
    "website",
    "corporateIdentificationNumber",
    "ean",
    "attention",
)
# Longest text of each property in e-conomic's published customer schema.
_TEXT_LENGTHS = {
    "zip": 30,
    "city": 50,
    "country": 50,
    "mobilePhone": 50,
    "email": 255,
    "website": 255,
    "corporateIdentificationNumber": 40,
}
# Type of each filterable property: how filter values are compared.
_PROPERTY_TYPES = {
    "customerNumber": int,
    "lastUpdated": datetime,
    "draftInvoiceNumber": int,
    "bookedInvoiceNumber": int,
    "customer.customerNumber": int,
}
_SORTABLE = frozenset({"customerNumber", "name", "lastUpdated"})
_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)

_CITIES = (
    ("1050", "København K"),
    ("2100", "København Ø"),
    ("8000", "Aarhus C"),
    ("5000", "Odense C"),
    ("9000", "Aalborg"),
    ("6700", "Esbjerg"),
    ("7100", "Vejle"),
    ("6000", "Kolding"),
    ("8700", "Horsens"),
    ("7400", "Herning"),
    ("8600", "Silkeborg"),
    ("4000", "Roskilde"),
    ("8900", "Randers C"),
    ("3000", "Helsingør"),
    ("4700", "Næstved"),
    ("6400", "Sønderborg"),
)
_STREETS = (
    "Industrivej",
    "Havnegade",
    "Nørregade",
    "Søndergade",
    "Vestergade",
    "Østergade",
    "Hovedgaden",
    "Stationsvej",
    "Skovvej",
    "Engvej",
    "Kirkevej",
    "Fabriksvej",
)
_NAME_FIRST = (
    "Nordisk",
    "Jysk",
    "Fynsk",
    "Vestjysk",
    "Sjællandsk",
    "Dansk",
    "Midtjysk",
    "Øresund",
    "Limfjord",
    "Kattegat",
    "Gudenå",
    "Bække",
)
_NAME_TRADE = (
    "Maskinfabrik",
    "Tømrerfirma",
    "VVS",
    "Elektro",
    "Revision",
    "Transport",
    "Trælast",
    "Murerfirma",
    "Smedie",
    "Plast",
    "Software",
    "Rådgivning",
)
_NAME_SUFFIX = ("ApS", "ApS", "A/S", "I/S", "K/S")


def _utc_stamp(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_stamp(value):
    """An aware datetime for an e-conomic timestamp (no zone: UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _slug(text):
    text = text.lower()
    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("/", "")):
        text = text.replace(old, new)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def make_cvr(rng):
    """Return a random 8-digit number that passes the CVR check digit."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = -sum(w * d for w, d in zip(_CVR_WEIGHTS, digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _make_ean(rng):
    """Return a Danish EAN location number (GLN) with a valid check digit."""
    digits = [5, 7, 9, 0, 0, 0] + [rng.randint(0, 9) for _ in range(6)]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return "".join(map(str, digits)) + str(-total % 10)


class _FilterError(ValueError):
    def __init__(self, message, allowed=None):
        super().__init__(message)
        self.allowed = allowed


class _Errors:
    """Validation errors in e-conomic's shape: a tree mirroring the request."""

    def __init__(self):
        self.tree = {}
        self.count = 0

    def add(self, path, message, code, value=None, hint=""):
        node = self.tree
        for key in path:
            node = node.setdefault(key, {})
        entry = {
            "propertyName": path[-1],
            "errorCode": code,
            "errorMessage": message,
            "inputValue": value,
            "developerHint": hint,
        }
        node.setdefault("errors", []).append(entry)
        self.count += 1


# Invoicing -------------------------------------------------------------------

# Collections of the invoicing endpoints: path -> (number property, the
# properties it filters on, with their types).
_INVOICE_FILTERS = {
    "productNumber": str,
    "name": str,
    "draftInvoiceNumber": int,
    "bookedInvoiceNumber": int,
    "references.other": str,
    "date": str,
    "dueDate": str,
    "customer.customerNumber": int,
}
# Days to pay of the payment terms of a new agreement, by number.
_PAYMENT_DAYS = {1: 8, 2: 14, 3: 30}
# VAT rate of each VAT zone for the gross amount (Domestic 25 %).
_VAT_RATES = {1: 0.25, 2: 0.0, 3: 0.0, 4: 0.0}


def _dig(item, path):
    """The value at the dotted ``path`` of a dict (None when absent)."""
    for key in path.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _decimals(value):
    text = repr(float(value))
    return 0 if "e" in text else len(text.split(".")[1].rstrip("0"))


class _InvoiceEndpoints:
    """``/layouts``, ``/units``, ``/payment-terms``, ``/product-groups``,
    ``/products`` and ``/invoices/...`` of :class:`FakeEconomic`.

    State, all public: ``layouts``, ``units``, ``product_groups`` (number ->
    name), ``products`` (number -> product), ``drafts`` and ``booked``
    (number -> invoice as stored). ``book_draft(n)`` books as the bookkeeper
    does in e-conomic, ``pay(n, amount)`` registers a payment.
    """

    def _init_invoicing(self):
        self.layouts = {19: "Standard faktura", 21: "Faktura med logo"}
        self.units = {1: "stk.", 2: "timer", 3: "kg", 4: "Units"}
        self.product_groups = {1: "Varer m/moms", 2: "Ydelser m/moms"}
        self.products = {}
        self.drafts = {}
        self.booked = {}
        self.ean_allowed = True

    _INVOICE_ROUTES = (
        ("GET", r"^/layouts/?$", "_list_layouts"),
        ("GET", r"^/units/?$", "_list_units"),
        ("GET", r"^/payment-terms/?$", "_list_payment_terms"),
        ("GET", r"^/product-groups/?$", "_list_product_groups"),
        ("GET", r"^/products/?$", "_list_products"),
        ("POST", r"^/products/?$", "_create_product"),
        ("GET", r"^/invoices/drafts/?$", "_list_drafts"),
        ("POST", r"^/invoices/drafts/?$", "_create_draft"),
        ("GET", r"^/invoices/drafts/(?P<number>\d+)/?$", "_get_draft"),
        ("DELETE", r"^/invoices/drafts/(?P<number>\d+)/?$", "_delete_draft"),
        ("PUT", r"^/invoices/drafts/(?P<number>\d+)/?$", "_put_draft"),
        ("POST", r"^/invoices/booked/?$", "_book"),
        ("GET", r"^/invoices/booked/?$", "_list_booked"),
        ("GET", r"^/invoices/booked/(?P<number>\d+)/?$", "_get_booked"),
        (
            "GET",
            r"^/invoices/(?P<which>unpaid|paid|overdue|not-due)/?$",
            "_list_booked",
        ),
    )

    # Data ---------------------------------------------------------------------

    def add_product(self, number, name=None, **properties):
        with self._lock:
            self.products[str(number)] = {
                "productNumber": str(number),
                "name": name or f"Vare {number}",
                "salesPrice": 0.0,
                "productGroup": {"productGroupNumber": 1},
                **properties,
            }

    def book_draft(self, number, send_by="none"):
        """Book draft ``number`` as the bookkeeper does; the booked invoice."""
        with self._lock:
            return copy.deepcopy(self._book_number(int(number), send_by))

    def pay(self, booked_number, amount=None):
        """Register a payment (the whole remainder by default)."""
        with self._lock:
            invoice = self.booked[int(booked_number)]
            paid = invoice["remainder"] if amount is None else amount
            invoice["remainder"] = round(max(0.0, invoice["remainder"] - paid), 2)
            invoice["remainderInBaseCurrency"] = invoice["remainder"]
            return copy.deepcopy(invoice)

    def add_booked(self, n, start=1, reference="S{:05d}", customer=1, amount=1250.0):
        """Add ``n`` booked invoices numbered from ``start`` (for benchmarks),
        ``references.other`` from ``reference`` formatted with the number."""
        today = self.clock().date()
        with self._lock:
            for number in range(start, start + n):
                self.booked[number] = {
                    "bookedInvoiceNumber": number,
                    "date": today.isoformat(),
                    "dueDate": (today + timedelta(days=8)).isoformat(),
                    "currency": "DKK",
                    "customer": {"customerNumber": customer},
                    "recipient": {"name": f"Kunde {customer}"},
                    "references": {"other": reference.format(number)},
                    "netAmount": round(amount / 1.25, 2),
                    "grossAmount": amount,
                    "remainder": amount,
                    "remainderInBaseCurrency": amount,
                }

    # Catalogues ----------------------------------------------------------------

    def _catalogue(self, request, path, items, number_key):
        rows = [
            {number_key: number, "name": name} for number, name in sorted(items.items())
        ]
        return self._collection(request, path, rows, number_key)

    def _list_layouts(self, request):
        return self._catalogue(request, "/layouts", self.layouts, "layoutNumber")

    def _list_units(self, request):
        return self._catalogue(request, "/units", self.units, "unitNumber")

    def _list_payment_terms(self, request):
        rows = [
            {
                "paymentTermsNumber": number,
                "name": name,
                "daysOfCredit": _PAYMENT_DAYS.get(number, 8),
                "paymentTermsType": "net",
            }
            for number, name in sorted(self.payment_terms.items())
        ]
        return self._collection(request, "/payment-terms", rows, "paymentTermsNumber")

    def _list_product_groups(self, request):
        return self._catalogue(
            request, "/product-groups", self.product_groups, "productGroupNumber"
        )

    # Products -------------------------------------------------------------------

    def _list_products(self, request):
        with self._lock:
            rows = [copy.deepcopy(p) for _n, p in sorted(self.products.items())]
        return self._collection(request, "/products", rows, "productNumber")

    def _create_product(self, request):
        body, answer = self._write_body(request)
        if answer is not None:
            return answer
        errors = _Errors()
        _check_nulls(body, [], errors)
        number = body.get("productNumber")
        if not isinstance(number, str) or not number.strip():
            errors.add(["productNumber"], "Property is required.", "FAKE-REQUIRED")
        elif len(number) > 25:
            errors.add(
                ["productNumber"], "Must be at most 25 characters.", "FAKE-TOO-LONG"
            )
        if not body.get("name"):
            errors.add(["name"], "Property is required.", "FAKE-REQUIRED")
        _check_reference(
            body,
            "productGroup",
            "productGroupNumber",
            self.product_groups,
            "Product group",
            errors,
        )
        with self._lock:
            if isinstance(number, str) and number in self.products:
                errors.add(
                    ["productNumber"],
                    "Product number already in use.",
                    "FAKE-DUPLICATE",
                    number,
                )
            if errors.count:
                return self._validation_failed(errors)
            product = copy.deepcopy(body)
            self.products[number] = product
            out = {
                **product,
                "self": f"{request.host_url.rstrip('/')}/products/{number}",
            }
        self._remember(request, 201, out)
        return self._json(201, out)

    # Drafts -----------------------------------------------------------------------

    def _list_drafts(self, request):
        with self._lock:
            rows = [copy.deepcopy(d) for _n, d in sorted(self.drafts.items())]
        return self._collection(request, "/invoices/drafts", rows, "draftInvoiceNumber")

    def _get_draft(self, request, number):
        with self._lock:
            draft = self.drafts.get(int(number))
            if draft is None:
                return self._not_found("Draft invoice")
            return self._json(200, copy.deepcopy(draft))

    def _delete_draft(self, request, number):
        with self._lock:
            if self.drafts.pop(int(number), None) is None:
                return self._not_found("Draft invoice")
        return Response(status=204)

    def _put_draft(self, request, number):
        """PUT replaces the whole draft (what it leaves out is gone)."""
        number = int(number)
        with self._lock:
            if number not in self.drafts:
                return self._not_found("Draft invoice")
        body, refused = self._read_body(request)
        if refused is not None:
            return refused
        errors = self._validate_draft(body)
        if errors.count:
            return self._validation_failed(errors)
        with self._lock:
            draft = self._store_draft(request, number, body)
        return self._json(200, draft)

    def _create_draft(self, request):
        body, answer = self._write_body(request)
        if answer is not None:
            return answer
        errors = self._validate_draft(body)
        if errors.count:
            return self._validation_failed(errors)
        with self._lock:
            # e-conomic gives the next number: one of a deleted draft again
            number = max(self.drafts, default=0) + 1
            out = self._store_draft(request, number, body)
        self._remember(request, 201, out)
        if self.timeout_after_create:
            time.sleep(self.create_delay)
        return self._json(201, out)

    def _store_draft(self, request, number, body):
        """Store ``body`` as draft ``number`` with its totals; a copy."""
        draft = copy.deepcopy(body)
        draft["draftInvoiceNumber"] = number
        net = round(
            sum(
                line.get("quantity", 0)
                * line.get("unitNetPrice", 0)
                * (1 - line.get("discountPercentage", 0) / 100)
                for line in draft.get("lines", [])
            ),
            2,
        )
        rate = _VAT_RATES.get(draft["recipient"]["vatZone"]["vatZoneNumber"], 0)
        draft.update(
            netAmount=net,
            vatAmount=round(net * rate, 2),
            grossAmount=round(net * (1 + rate), 2),
        )
        draft["self"] = f"{request.host_url.rstrip('/')}/invoices/drafts/{number}"
        self.drafts[number] = draft
        return copy.deepcopy(draft)

    def _validate_draft(self, body):
        """The checks e-conomic's schema and public clients report."""
        errors = _Errors()
        _check_nulls(body, [], errors)
        currency = body.get("currency")
        if "currency" not in body:
            errors.add(["currency"], "Property is required.", "FAKE-REQUIRED")
        elif currency not in self.currencies:
            errors.add(["currency"], "Currency not found.", "E06000", currency)
        if not isinstance(body.get("date"), str):
            errors.add(["date"], "Property is required.", "FAKE-REQUIRED")
        customer = _dig(body, "customer.customerNumber")
        if customer is None:
            errors.add(["customer"], "Property is required.", "FAKE-REQUIRED")
        elif customer not in self.customers:
            errors.add(["customer"], "Customer not found.", "E06000", customer)
        _check_reference(body, "layout", "layoutNumber", self.layouts, "Layout", errors)
        _check_reference(
            body,
            "paymentTerms",
            "paymentTermsNumber",
            self.payment_terms,
            "Payment terms",
            errors,
        )
        recipient = body.get("recipient")
        if not isinstance(recipient, dict):
            errors.add(["recipient"], "Property is required.", "FAKE-REQUIRED")
        else:
            if not recipient.get("name"):
                errors.add(
                    ["recipient", "name"], "Property is required.", "FAKE-REQUIRED"
                )
            sub = _Errors()
            _check_reference(
                recipient, "vatZone", "vatZoneNumber", self.vat_zones, "VAT zone", sub
            )
            for entry_path, entry in _error_entries(sub.tree):
                errors.add(
                    ["recipient", *entry_path],
                    entry["errorMessage"],
                    entry["errorCode"],
                    entry["inputValue"],
                )
            if recipient.get("nemHandelType") not in (
                None,
                "ean",
                "corporateIdentificationNumber",
                "pNumber",
            ):
                errors.add(
                    ["recipient", "nemHandelType"], "Invalid value.", "FAKE-INVALID"
                )
        other = _dig(body, "references.other")
        if other is not None and len(str(other)) > 250:
            errors.add(
                ["references", "other"],
                "Must be at most 250 characters.",
                "FAKE-TOO-LONG",
            )
        self._validate_draft_lines(body.get("lines") or [], errors)
        return errors

    def _validate_draft_lines(self, lines, errors):
        for index, line in enumerate(lines):
            path = ["lines", str(index)]
            if "lineNumber" not in line or "sortKey" not in line:
                errors.add(
                    [*path, "lineNumber"],
                    "lineNumber and sortKey are required.",
                    "FAKE-REQUIRED",
                )
            product = _dig(line, "product.productNumber")
            if product is None:
                if "quantity" in line or "unitNetPrice" in line:
                    errors.add(
                        [*path, "product"],
                        "Quantity and price need a product.",
                        "FAKE-REQUIRED",
                    )
                continue
            if product not in self.products:
                errors.add([*path, "product"], "Product not found.", "E06000", product)
            if not line.get("description"):
                errors.add(
                    [*path, "description"], "Property is required.", "FAKE-REQUIRED"
                )
            price = line.get("unitNetPrice", 0)
            if _decimals(price) > 2:
                errors.add(
                    [*path, "unitNetPrice"],
                    "The unit net price can have at most 2 decimals.",
                    "E04740",
                    price,
                )
            unit = _dig(line, "unit.unitNumber")
            if unit is not None and unit not in self.units:
                errors.add([*path, "unit"], "Unit not found.", "E06000", unit)

    # Booked invoices -------------------------------------------------------------

    def _book(self, request):
        body, answer = self._write_body(request)
        if answer is not None:
            return answer
        errors = _Errors()
        number = _dig(body, "draftInvoice.draftInvoiceNumber")
        send_by = body.get("sendBy")
        with self._lock:
            if number not in self.drafts:
                errors.add(
                    ["draftInvoice"], "Draft invoice not found.", "E06000", number
                )
            if send_by not in (None, "none", "ean"):
                errors.add(
                    ["sendBy"], "sendBy must be none or ean.", "FAKE-INVALID", send_by
                )
            elif send_by == "ean" and number in self.drafts:
                if (
                    not _dig(self.drafts[number], "recipient.ean")
                    or not self.ean_allowed
                ):
                    errors.add(
                        ["sendBy"],
                        "Sending by EAN needs an EAN number on the recipient.",
                        "FAKE-INVALID",
                        send_by,
                    )
            if errors.count:
                return self._validation_failed(errors)
            invoice = self._book_number(number, send_by or "none")
            out = copy.deepcopy(invoice)
        self._remember(request, 201, out)
        return self._json(201, out)

    def _book_number(self, number, send_by):
        draft = self.drafts.pop(number)
        booked_number = max(self.booked, default=0) + 1
        day = date.fromisoformat(draft["date"])
        days = _PAYMENT_DAYS.get(_dig(draft, "paymentTerms.paymentTermsNumber"), 8)
        invoice = {
            key: value
            for key, value in draft.items()
            if key not in ("draftInvoiceNumber", "self")
        }
        invoice.update(
            bookedInvoiceNumber=booked_number,
            dueDate=(day + timedelta(days=days)).isoformat(),
            remainder=draft["grossAmount"],
            remainderInBaseCurrency=draft["grossAmount"],
            sent=send_by,
        )
        self.booked[booked_number] = invoice
        return invoice

    def _get_booked(self, request, number):
        with self._lock:
            invoice = self.booked.get(int(number))
            if invoice is None:
                return self._not_found("Booked invoice")
            return self._json(200, copy.deepcopy(invoice))

    def _list_booked(self, request, which=None):
        today = self.clock().date()
        keep = {
            None: lambda i: True,
            "unpaid": lambda i: i["remainder"] > 0,
            "paid": lambda i: i["remainder"] <= 0,
            "overdue": lambda i: (
                i["remainder"] > 0 and i["dueDate"] < today.isoformat()
            ),
            "not-due": lambda i: (
                i["remainder"] > 0 and i["dueDate"] >= today.isoformat()
            ),
        }[which]
        with self._lock:
            rows = [
                copy.deepcopy(i) for _n, i in sorted(self.booked.items()) if keep(i)
            ]
        path = f"/invoices/{which}" if which else "/invoices/booked"
        return self._collection(request, path, rows, "bookedInvoiceNumber")

    # Collections -------------------------------------------------------------------

    def _collection(self, request, path, rows, number_key):
        """A page of ``rows`` as e-conomic answers a collection: filter,
        sort, ``skippages``/``pagesize`` and the pagination object."""
        paging, refused = self._paging(request)
        if refused is not None:
            return refused
        fields = {name: name for name in (*_INVOICE_FILTERS, number_key)}
        conditions, refused = self._filter_groups(request, fields)
        if refused is not None:
            return refused
        rows = [row for row in rows if self._matches(row, conditions)]
        sort = request.args.get("sort")
        if sort:
            prop = sort.lstrip("-")
            rows.sort(
                key=lambda row: (_dig(row, prop) is None, _dig(row, prop) or 0),
                reverse=sort.startswith("-"),
            )
        return self._page_answer(request, path, rows, paging)


def _error_entries(tree, path=()):
    for key, value in tree.items():
        if key == "errors":
            for entry in value:
                yield list(path), entry
        else:
            yield from _error_entries(value, (*path, key))


class FakeEconomic(_InvoiceEndpoints):
    """In-memory e-conomic agreement served over HTTP.

    :param app_secret_token: the ``X-AppSecretToken`` it accepts.
    :param agreement_grant_token: the ``X-AgreementGrantToken`` it accepts.
        Both ``demo`` (or ``?demo=true``) give the read-only demo agreement.
    :param cvr_filter_field: the name under which the CVR number is
        filterable (``ciNumber`` mimics an agreement that only knows that one).
    :param clock: returns the current aware datetime (for ``lastUpdated``).

    State and switches, all public: ``customers`` (dict number -> customer
    as stored), ``calls`` (``Counter`` of ``(method, path)``),
    ``timeout_after_create`` (when true, every create is stored and then the
    answer is held ``create_delay`` seconds), ``customer_groups``,
    ``payment_terms``, ``vat_zones``, ``currencies``.
    """

    def __init__(
        self,
        app_secret_token="fake-app-secret-token",
        agreement_grant_token="fake-agreement-grant-token",
        cvr_filter_field="corporateIdentificationNumber",
        clock=None,
    ):
        self.app_secret_token = app_secret_token
        self.agreement_grant_token = agreement_grant_token
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.company_name = "Tracelink Testfirma ApS"
        self.agreement_number = 1234567
        self.customers = {}
        self.customer_groups = {1: "Indenlandske kunder", 2: "Udenlandske kunder"}
        self.payment_terms = {
            1: "Netto 8 dage",
            2: "Netto 14 dage",
            3: "Lb. md. 30 dage",
        }
        self.vat_zones = {1: "Domestic", 2: "EU", 3: "Abroad", 4: "Domestic exempt"}
        self.currencies = {"DKK", "EUR", "USD", "SEK", "NOK", "GBP"}
        # filter name -> customer property
        self.filter_fields = {
            "customerNumber": "customerNumber",
            "name": "name",
            "lastUpdated": "lastUpdated",
            "email": "email",
            "city": "city",
            "zip": "zip",
            "currency": "currency",
            cvr_filter_field: "corporateIdentificationNumber",
        }
        self.calls = Counter()
        self.timeout_after_create = False
        self.create_delay = 1.0
        self._failures = deque()
        self._delays = deque()
        self._raw_numbers = set()
        self._used_cvrs = set()
        self._log_count = 0
        self._lock = threading.RLock()
        # Idempotency-Key -> (moment, status, body) of answered writes, and
        # the key of every write as it arrived
        self.idempotent_answers = {}
        self.idempotency_keys = []
        # The token bucket of the agreement: every answer tells what is left
        # (X-RateLimiting) and what the call cost (X-CallCost); an empty
        # bucket answers 429 without Retry-After. Not refilled by itself.
        self.rate_limit = (10000, 60)
        self.rate_tokens = 10000
        self.call_costs = {"GET": 1, "POST": 5, "PUT": 5, "DELETE": 5}
        self._init_invoicing()

    # Data -------------------------------------------------------------------

    def _next_number(self):
        return max(self.customers, default=0) + 1

    def add_customers(
        self,
        n,
        start=1,
        *,
        cvr_share=0.6,
        updated_from=datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc),
        updated_step=timedelta(minutes=13),
        seed=None,
    ):
        """Add ``n`` realistic Danish customers numbered from ``start``.

        About ``cvr_share`` of them carry a valid, unique CVR number; a few
        are barred, have a mobile number, a website or an EAN number.
        ``lastUpdated`` rises by ``updated_step`` from ``updated_from`` in
        number order. Deterministic for a given ``seed`` (default: ``start``).
        Returns copies of the new customers.
        """
        rng = random.Random(start if seed is None else seed)
        added = []
        with self._lock:
            clash = [num for num in range(start, start + n) if num in self.customers]
            if clash:
                raise ValueError(f"customer numbers already in use: {clash[:5]}")
            for index in range(n):
                number = start + index
                customer = self._generate(rng, number)
                customer["lastUpdated"] = _utc_stamp(
                    updated_from + index * updated_step
                )
                if rng.random() < cvr_share:
                    cvr = make_cvr(rng)
                    while cvr in self._used_cvrs:
                        cvr = make_cvr(rng)
                    self._used_cvrs.add(cvr)
                    customer["corporateIdentificationNumber"] = cvr
                self.customers[number] = customer
                added.append(copy.deepcopy(customer))
        return added

    @staticmethod
    def _generate(rng, number):
        trade = rng.choice(_NAME_TRADE)
        name = f"{rng.choice(_NAME_FIRST)} {trade} {rng.choice(_NAME_SUFFIX)}"
        zip_code, city = rng.choice(_CITIES)
        domain = f"{_slug(name.rsplit(' ', 1)[0])}.dk"
        customer = {
            "customerNumber": number,
            "name": name,
            "address": f"{rng.choice(_STREETS)} {rng.randint(1, 120)}",
            "zip": zip_code,
            "city": city,
            "country": "Danmark",
            "email": f"{rng.choice(('info', 'kontakt', 'bogholderi'))}@{domain}",
            "telephoneAndFaxNumber": str(rng.randint(20000000, 99999999)),
            "currency": "DKK",
            "customerGroup": {"customerGroupNumber": 1},
            "paymentTerms": {"paymentTermsNumber": rng.choice((1, 1, 2, 3))},
            "vatZone": {"vatZoneNumber": 1},
            "balance": round(rng.uniform(0, 250000), 2),
            "dueAmount": 0.0,
        }
        if rng.random() < 0.4:
            customer["mobilePhone"] = str(rng.randint(20000000, 99999999))
        if rng.random() < 0.5:
            customer["website"] = f"https://www.{domain}"
        if rng.random() < 0.05:
            customer["ean"] = _make_ean(rng)
        if rng.random() < 0.03:
            customer["barred"] = True
        return customer

    def add_customer(self, name, number=None, **properties):
        """Add one valid customer with the given ``name`` and properties.

        Required properties get defaults (DKK, group 1, payment terms 1, VAT
        zone 1, ``lastUpdated`` now). Returns a copy of the stored customer.
        """
        with self._lock:
            number = self._next_number() if number is None else number
            if number in self.customers:
                raise ValueError(f"customer number {number} already in use")
            customer = {
                "customerNumber": number,
                "name": name,
                "currency": "DKK",
                "customerGroup": {"customerGroupNumber": 1},
                "paymentTerms": {"paymentTermsNumber": 1},
                "vatZone": {"vatZoneNumber": 1},
                "lastUpdated": _utc_stamp(self.clock()),
            }
            customer.update(properties)
            self.customers[number] = customer
            return copy.deepcopy(customer)

    def add_raw(self, customer):
        """Store ``customer`` exactly as given (malformed ones included).

        It is served untouched. Its key is its ``customerNumber`` when that is
        a free integer, else the next free number. Returns the key.
        """
        with self._lock:
            number = (
                customer.get("customerNumber") if isinstance(customer, dict) else None
            )
            if not isinstance(number, int) or isinstance(number, bool):
                number = self._next_number()
            elif number in self.customers:
                number = self._next_number()
            self.customers[number] = customer
            self._raw_numbers.add(number)
            return number

    # Switches ---------------------------------------------------------------

    def fail_next(self, status, times=1, retry_after=None, body=None):
        """Answer the next ``times`` requests with ``status``.

        ``body``: a dict (sent as JSON), a string (sent as ``text/html``) or
        None for an e-conomic error body fitting the status. ``retry_after``
        sets the ``Retry-After`` header.
        """
        with self._lock:
            for _ in range(times):
                self._failures.append((status, retry_after, body))

    def delay_next(self, seconds, times=1):
        """Hold the answer to the next ``times`` requests for ``seconds``."""
        with self._lock:
            for _ in range(times):
                self._delays.append(seconds)

    def clear_failures(self):
        """Forget pending ``fail_next`` and ``delay_next`` orders."""
        with self._lock:
            self._failures.clear()
            self._delays.clear()

    def count(self, method, path):
        """How many ``method`` requests reached ``path`` (e.g. "/customers")."""
        return self.calls[(method.upper(), path.rstrip("/") or "/")]

    # Serving ----------------------------------------------------------------

    def install(self, httpserver):
        """Register the fake's handlers on a pytest-httpserver ``HTTPServer``.

        Register other handlers before this: the last one answers every
        remaining path with e-conomic's 404 (or 405 for a known path).
        """
        routes = (
            ("GET", r"^/self/?$", self._get_self),
            ("GET", r"^/customers/?$", self._list_customers),
            ("POST", r"^/customers/?$", self._create_customer),
            ("GET", r"^/customers/(?P<number>[^/]+)/?$", self._get_customer),
            ("PUT", r"^/customers/(?P<number>[^/]+)/?$", self._put_customer),
        )
        routes += tuple(
            (method, pattern, getattr(self, name))
            for method, pattern, name in self._INVOICE_ROUTES
        )
        for method, pattern, func in routes:
            regex = re.compile(pattern)
            httpserver.expect_request(regex, method=method).respond_with_handler(
                self._endpoint(regex, func)
            )
        httpserver.expect_request(re.compile(r"^/.*$")).respond_with_handler(
            self._endpoint(None, self._no_route)
        )
        return httpserver

    def start_server(self, host="127.0.0.1", port=0):
        """Start a threaded ``HTTPServer`` serving this fake and return it.

        The caller stops it with ``server.stop()``.
        """
        from pytest_httpserver import HTTPServer

        server = HTTPServer(host=host, port=port, threaded=True)
        self.install(server)
        server.start()
        return server

    def _endpoint(self, regex, func):
        def handler(request):
            params = regex.match(request.path).groupdict() if regex else {}
            return self.handle(request, func, **params)

        return handler

    def handle(self, request, func, **params):
        """Count the request, apply delays, failures and token checks, then answer."""
        key = (request.method, request.path.rstrip("/") or "/")
        with self._lock:
            self.calls[key] += 1
            delay = self._delays.popleft() if self._delays else 0
            failure = self._failures.popleft() if self._failures else None
        if delay:
            time.sleep(delay)
        if failure:
            return self._failure(*failure)
        refused = self._check_tokens(request)
        if refused is not None:
            return refused
        cost = self.call_costs.get(request.method, 1)
        with self._lock:
            limit, window = self.rate_limit
            if self.rate_tokens < cost:
                # the bucket is empty: 429, without Retry-After
                response = self._error(
                    429, "The rate limit has been exceeded.", "FAKE-RATE-LIMIT"
                )
            else:
                self.rate_tokens -= cost
                response = None
            left = self.rate_tokens
        if response is None:
            response = func(request, **params)
        response.headers["X-RateLimiting"] = (
            f"token-limit-{limit}-per-{window}-seconds: {left}/{limit}"
        )
        response.headers["X-CallCost"] = str(cost)
        return response

    def _check_tokens(self, request):
        app = request.headers.get("X-AppSecretToken")
        grant = request.headers.get("X-AgreementGrantToken")
        demo = (app == "demo" and grant == "demo") or (
            request.args.get("demo", "").lower() == "true"
        )
        if demo:
            if request.method in _WRITE_METHODS:
                return self._error(
                    403,
                    "The demo agreement is read-only.",
                    "FAKE-FORBIDDEN",
                    "Use the tokens of a real agreement to write data.",
                )
            return None
        if app != self.app_secret_token or grant != self.agreement_grant_token:
            return self._error(
                401,
                "The AppSecretToken or AgreementGrantToken is missing or wrong.",
                "FAKE-UNAUTHORIZED",
                "Send valid X-AppSecretToken and X-AgreementGrantToken headers.",
            )
        return None

    # Responses ----------------------------------------------------------------

    @staticmethod
    def _json(status, payload, headers=None):
        return Response(
            json.dumps(payload, ensure_ascii=False),
            status=status,
            headers=headers,
            content_type="application/json; charset=utf-8",
        )

    def _error_body(self, status, message, code, hint="", errors=None, **extra):
        with self._lock:
            self._log_count += 1
            log_id = f"fake-{self._log_count:06d}"
        body = {
            "message": message,
            "errorCode": code,
            "developerHint": hint,
            "logId": log_id,
            "httpStatusCode": status,
            "logTime": _utc_stamp(self.clock()),
        }
        if errors is not None:
            body["errors"] = errors
        body.update(extra)
        return body

    def _error(
        self, status, message, code, hint="", errors=None, headers=None, **extra
    ):
        body = self._error_body(status, message, code, hint, errors, **extra)
        return self._json(status, body, headers)

    def _failure(self, status, retry_after, body):
        headers = {}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if isinstance(body, str):
            return Response(
                body, status=status, headers=headers, content_type="text/html"
            )
        if body is None:
            messages = {
                400: "The request is not valid.",
                401: "The tokens are missing, wrong or revoked.",
                403: "Access denied.",
                404: "Not found.",
                429: "Too many requests. The quota of this agreement is used up.",
            }
            message = messages.get(status, "An internal error occurred.")
            body = self._error_body(status, message, f"FAKE-{status}")
        return self._json(status, body, headers)

    def _not_found(self, what):
        return self._error(
            404, f"{what} not found.", "FAKE-NOT-FOUND", "Check the number in the URL."
        )

    def _validation_failed(self, errors):
        noun = "error" if errors.count == 1 else "errors"
        return self._error(
            400,
            f"Validation failed. {errors.count} {noun} found.",
            "E04300",
            "Inspect validation errors and correct your request.",
            errors=errors.tree,
        )

    def _customer_out(self, customer, base, number):
        """Render a stored customer as e-conomic answers it."""
        if number in self._raw_numbers:
            return copy.deepcopy(customer)
        out = {
            key: copy.deepcopy(value)
            for key, value in customer.items()
            if value is not None and value is not False
        }
        references = (
            ("customerGroup", "customerGroupNumber", "customer-groups"),
            ("paymentTerms", "paymentTermsNumber", "payment-terms"),
            ("vatZone", "vatZoneNumber", "vat-zones"),
        )
        for prop, number_prop, collection in references:
            ref = out.get(prop)
            if isinstance(ref, dict) and number_prop in ref:
                ref["self"] = f"{base}/{collection}/{ref[number_prop]}"
        out["self"] = f"{base}/customers/{number}"
        return out

    # Endpoints --------------------------------------------------------------

    def _no_route(self, request):
        path = request.path.rstrip("/")
        if path in ("/self", "/customers") or re.match(r"^/customers/[^/]+$", path):
            return self._error(
                405,
                f"Method {request.method} is not allowed here.",
                "FAKE-METHOD-NOT-ALLOWED",
            )
        return self._error(
            404, "The resource does not exist.", "FAKE-NOT-FOUND", "Check the URL."
        )

    def _get_self(self, request):
        base = request.host_url.rstrip("/")
        demo = request.headers.get("X-AppSecretToken") == "demo" or (
            request.args.get("demo", "").lower() == "true"
        )
        return self._json(
            200,
            {
                "agreementNumber": 1 if demo else self.agreement_number,
                "company": {
                    "name": "Demo agreement" if demo else self.company_name,
                    "addressLine1": "Industrivej 4",
                    "zip": "7100",
                    "city": "Vejle",
                    "country": "Danmark",
                    "companyIdentificationNumber": "13585628",
                },
                "user": {"name": "Test Bruger", "loginId": "TEST", "language": "da"},
                "application": {"name": "tracelink_crm", "appNumber": 1001},
                "canSendElectronicInvoice": True,
                "self": f"{base}/self",
            },
        )

    def _list_customers(self, request):
        paging, refused = self._paging(request)
        if refused is not None:
            return refused
        conditions, refused = self._filter_groups(request)
        if refused is not None:
            return refused
        sort = request.args.get("sort") or "customerNumber"
        prop = sort.lstrip("-")
        if prop not in _SORTABLE:
            return self._error(400, f"Cannot sort on {prop}.", "FAKE-BAD-SORT")

        with self._lock:
            rows = sorted(self.customers.items())
            rows = [(n, c) for n, c in rows if self._matches(c, conditions)]
        rows.sort(key=lambda row: _sort_key(row, prop), reverse=sort.startswith("-"))
        base = request.host_url.rstrip("/")
        return self._page_answer(
            request,
            "/customers",
            rows,
            paging,
            render=lambda row: self._customer_out(row[1], base, row[0]),
            resultsWithoutFilter=len(self.customers),
        )

    def _paging(self, request):
        """``((skip, size), None)``, or ``(None, 400 answer)``."""
        try:
            skip = int(request.args.get("skippages", 0))
            size = int(request.args.get("pagesize", DEFAULT_PAGE_SIZE))
        except ValueError:
            return None, self._error(
                400, "skippages and pagesize must be integers.", "FAKE-400"
            )
        if skip < 0 or not 1 <= size <= MAX_PAGE_SIZE:
            return None, self._error(
                400,
                f"pagesize must be between 1 and {MAX_PAGE_SIZE}; skippages >= 0.",
                "FAKE-400",
            )
        return (skip, size), None

    def _filter_groups(self, request, fields=None):
        """``(conditions, None)``, or ``(None, 400 answer)`` for a bad filter."""
        try:
            return self._parse_filter(request.args.get("filter"), fields), None
        except _FilterError as error:
            # e-conomic lists plain messages here, without errorCode
            body = self._error_body(400, "Error in filter.", None, errors=[str(error)])
            del body["errorCode"], body["developerHint"]
            if error.allowed:
                body["allowedFilteringFields"] = error.allowed
            return None, self._json(400, body)

    def _page_answer(self, request, path, rows, paging, render=None, **extra):
        """One page of ``rows`` with e-conomic's pagination object."""
        skip, size = paging
        args = request.args
        base = request.host_url.rstrip("/")
        total = len(rows)
        last = max(0, (total - 1) // size)
        page = rows[skip * size : (skip + 1) * size]

        def page_url(index):
            query = {**args.to_dict(), "skippages": index, "pagesize": size}
            encoded = "&".join(
                f"{key}={quote(str(value), safe='')}" for key, value in query.items()
            )
            return f"{base}{path}?{encoded}"

        pagination = {
            "maxPageSizeAllowed": MAX_PAGE_SIZE,
            "skipPages": skip,
            "pageSize": size,
            "results": total,
            **extra,
            "firstPage": page_url(0),
            "lastPage": page_url(last),
        }
        if (skip + 1) * size < total:
            pagination["nextPage"] = page_url(skip + 1)
        if skip > 0:
            pagination["previousPage"] = page_url(skip - 1)
        return self._json(
            200,
            {
                "collection": [render(row) for row in page] if render else page,
                "pagination": pagination,
                "self": page_url(skip),
            },
        )

    def _get_customer(self, request, number):
        if not number.isdigit():
            return self._not_found("Customer")
        with self._lock:
            customer = self.customers.get(int(number))
            if customer is None:
                return self._not_found("Customer")
            out = self._customer_out(
                customer, request.host_url.rstrip("/"), int(number)
            )
        return self._json(200, out)

    def _read_body(self, request):
        """Return ``(body, None)`` or ``(None, error response)``."""
        if not (request.content_type or "").startswith("application/json"):
            return None, self._error(
                415, "Content-Type must be application/json.", "FAKE-UNSUPPORTED-MEDIA"
            )
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            return None, self._error(
                400, "The body is not valid JSON.", "FAKE-BAD-JSON"
            )
        if not isinstance(body, dict):
            return None, self._error(
                400, "The body must be a JSON object.", "FAKE-BAD-JSON"
            )
        return body, None

    def _replay(self, request):
        """The stored answer to a write repeated with its Idempotency-Key.

        e-conomic keeps the answer of a write sent with an ``Idempotency-Key``
        for an hour and answers a repeat with it, marked
        ``X-ResultFromCache: true``, without doing the write again.
        """
        key = request.headers.get("Idempotency-Key")
        with self._lock:
            if key:
                self.idempotency_keys.append(key)
            stored = self.idempotent_answers.get(key) if key else None
        if not stored or self.clock() - stored[0] > IDEMPOTENCY_WINDOW:
            return None
        return self._json(stored[1], stored[2], {"X-ResultFromCache": "true"})

    def _write_body(self, request):
        """``(body, None)`` of a write, or ``(None, answer)``: the replay of a
        repeated Idempotency-Key, or the refusal of a bad body."""
        replayed = self._replay(request)
        if replayed is not None:
            return None, replayed
        return self._read_body(request)

    def _remember(self, request, status, payload):
        key = request.headers.get("Idempotency-Key")
        if key:
            with self._lock:
                self.idempotent_answers[key] = (self.clock(), status, payload)

    def _create_customer(self, request):
        body, answer = self._write_body(request)
        if answer is not None:
            return answer
        errors = self._validate(body)
        with self._lock:
            number = body.get("customerNumber")
            if number is None:
                number = self._next_number()
            elif isinstance(number, int) and number in self.customers:
                errors.add(
                    ["customerNumber"],
                    "Customer number already in use.",
                    "FAKE-DUPLICATE",
                    number,
                    "Leave customerNumber out to get the next free number.",
                )
            if errors.count:
                return self._validation_failed(errors)
            customer = copy.deepcopy(body)
            customer.pop("self", None)
            customer["customerNumber"] = number
            customer["lastUpdated"] = _utc_stamp(self.clock())
            customer.setdefault("balance", 0.0)
            customer.setdefault("dueAmount", 0.0)
            self.customers[number] = customer
            out = self._customer_out(customer, request.host_url.rstrip("/"), number)
        self._remember(request, 201, out)
        if self.timeout_after_create:
            time.sleep(self.create_delay)
        return self._json(201, out)

    def _put_customer(self, request, number):
        if not number.isdigit():
            return self._not_found("Customer")
        number = int(number)
        with self._lock:
            existing = self.customers.get(number)
        body, refused = self._read_body(request)
        if refused is not None:
            return refused
        errors = self._validate(body)
        if body.get("customerNumber", number) != number:
            errors.add(
                ["customerNumber"],
                "customerNumber does not match the URL.",
                "FAKE-MISMATCH",
                body.get("customerNumber"),
            )
        if errors.count:
            return self._validation_failed(errors)
        # PUT replaces the whole document (what it leaves out is cleared) and
        # creates the customer when the number is free (an upsert: 201)
        with self._lock:
            customer = copy.deepcopy(body)
            customer.pop("self", None)
            customer["customerNumber"] = number
            customer["lastUpdated"] = _utc_stamp(self.clock())
            for key in ("balance", "dueAmount"):
                customer[key] = (existing or {}).get(key, 0.0)
            self.customers[number] = customer
            self._raw_numbers.discard(number)
            out = self._customer_out(customer, request.host_url.rstrip("/"), number)
        return self._json(200 if existing is not None else 201, out)

    # Validation ---------------------------------------------------------------

    def _validate(self, body):
        """Check a customer document like e-conomic does; return ``_Errors``."""
        errors = _Errors()
        _check_nulls(body, [], errors)

        name = body.get("name")
        if "name" not in body:
            errors.add(["name"], "Property is required.", "FAKE-REQUIRED")
        elif name is not None:
            if not isinstance(name, str) or not name.strip():
                errors.add(
                    ["name"], "Name must be a non-empty string.", "FAKE-INVALID", name
                )
            elif len(name) > 255:
                errors.add(
                    ["name"], "Name is longer than 255 characters.", "FAKE-TOO-LONG"
                )

        currency = body.get("currency")
        if "currency" not in body:
            errors.add(["currency"], "Property is required.", "FAKE-REQUIRED")
        elif currency is not None and (
            not isinstance(currency, str) or currency not in self.currencies
        ):
            errors.add(
                ["currency"],
                "Currency not found.",
                "E06000",
                currency,
                "Use an ISO 4217 currency code the agreement knows.",
            )

        references = (
            (
                "customerGroup",
                "customerGroupNumber",
                self.customer_groups,
                "Customer group",
            ),
            ("paymentTerms", "paymentTermsNumber", self.payment_terms, "Payment terms"),
            ("vatZone", "vatZoneNumber", self.vat_zones, "VAT zone"),
        )
        for prop, number_prop, known, label in references:
            _check_reference(body, prop, number_prop, known, label, errors)

        number = body.get("customerNumber")
        if number is not None and (
            isinstance(number, bool)
            or not isinstance(number, int)
            or not 1 <= number <= 999999999
        ):
            errors.add(
                ["customerNumber"],
                "Customer number must be an integer from 1 to 999999999.",
                "FAKE-INVALID",
                number,
            )
        for prop in _TEXT_PROPERTIES:
            value = body.get(prop)
            if value is not None and not isinstance(value, str):
                errors.add([prop], "Must be a string.", "FAKE-INVALID", value)
            elif value and len(value) > _TEXT_LENGTHS.get(prop, 1000):
                errors.add(
                    [prop],
                    f"Must be at most {_TEXT_LENGTHS[prop]} characters.",
                    "FAKE-TOO-LONG",
                    value,
                )
        barred = body.get("barred")
        if barred is not None and not isinstance(barred, bool):
            errors.add(["barred"], "Must be a boolean.", "FAKE-INVALID", barred)
        return errors

    # Filters ----------------------------------------------------------------

    def _parse_filter(self, text, fields=None):
        """Parse ``field$op:value[$and:|$or:...]`` into OR-groups of conditions.

        Each condition is ``(property, operator, typed value)``; ``$and:``
        binds tighter than ``$or:``. No parentheses.
        """
        if not text:
            return []
        groups = [[]]
        field = None
        operator = None
        buffer = []
        i = 0
        while i < len(text):
            char = text[i]
            if char != "$":
                buffer.append(char)
                i += 1
                continue
            following = text[i + 1 : i + 2]
            if following and following in _FILTER_SPECIALS:
                buffer.append(following)
                i += 2
                continue
            match = _OPERATOR.match(text, i)
            if not match:
                # not an escape e-conomic knows: the "$" stands for itself
                buffer.append(char)
                i += 1
                continue
            name = match.group(1).lower()
            i = match.end()
            if name in ("and", "or"):
                if operator is None:
                    raise _FilterError(f"${name}: must follow a condition.")
                groups[-1].append(
                    self._condition(field, operator, "".join(buffer), fields)
                )
                field, operator, buffer = None, None, []
                if name == "or":
                    groups.append([])
            elif operator is not None:
                raise _FilterError("Two operators in one condition.")
            elif name not in _COMPARISONS:
                raise _FilterError(f"Unknown filter operator ${name}:.")
            else:
                field, operator, buffer = "".join(buffer).strip(), name, []
        if operator is None:
            raise _FilterError("The filter has no operator.")
        groups[-1].append(self._condition(field, operator, "".join(buffer), fields))
        return groups

    def _condition(self, field, operator, raw, fields=None):
        fields = self.filter_fields if fields is None else fields
        prop = fields.get(field)
        if prop is None:
            raise _FilterError(
                f"Filtering on {field!r} is not allowed.",
                allowed=sorted(fields),
            )
        if operator == "null":
            return prop, operator, None
        try:
            value = _typed(prop, raw)
        except ValueError:
            raise _FilterError(f"Invalid value {raw!r} for {field}.") from None
        if value is None:
            raise _FilterError(f"Invalid value {raw!r} for {field}.")
        return prop, operator, value

    @staticmethod
    def _matches(customer, groups):
        if not groups:
            return True
        if not isinstance(customer, dict):
            return False
        return any(
            all(_compare(_dig(customer, prop), op, value) for prop, op, value in group)
            for group in groups
        )


def _check_nulls(value, path, errors):
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                errors.add(
                    [*path, key],
                    "Null is not accepted.",
                    "FAKE-NULL",
                    None,
                    "Leave the property out instead of sending null.",
                )
            else:
                _check_nulls(item, [*path, key], errors)


def _check_reference(body, prop, number_prop, known, label, errors):
    if prop not in body:
        errors.add([prop], "Property is required.", "FAKE-REQUIRED")
        return
    ref = body[prop]
    if ref is None:
        return  # reported as null
    if not isinstance(ref, dict):
        errors.add([prop], "Must be an object.", "FAKE-INVALID", ref)
        return
    if number_prop not in ref:
        errors.add([prop, number_prop], "Property is required.", "FAKE-REQUIRED")
        return
    number = ref[number_prop]
    if number is None:
        return
    if isinstance(number, bool) or not isinstance(number, int):
        errors.add([prop, number_prop], "Must be an integer.", "FAKE-INVALID", number)
    elif number not in known:
        errors.add(
            [prop],
            f"{label} not found.",
            "E06000",
            number,
            f"Use an existing {label.lower()} number.",
        )


def _typed(prop, raw):
    kind = _PROPERTY_TYPES.get(prop, str)
    if kind is int:
        if isinstance(raw, bool):
            raise ValueError(raw)
        return int(raw)
    if kind is datetime:
        return _parse_stamp(raw)
    return raw if isinstance(raw, str) else None


def _compare(actual, operator, expected):
    if operator == "null":
        return actual is None or actual == ""
    if actual is None:
        return operator == "ne"
    try:
        if isinstance(expected, int):
            actual = _typed("customerNumber", actual)
        elif isinstance(expected, datetime):
            actual = _parse_stamp(actual)
        elif not isinstance(actual, str):
            actual = str(actual)
    except (TypeError, ValueError):
        return False
    if actual is None:
        return False
    if operator == "eq":
        return actual == expected
    if operator == "ne":
        return actual != expected
    if operator == "like":
        return str(expected).strip("*").casefold() in str(actual).casefold()
    if operator == "gt":
        return actual > expected
    if operator == "gte":
        return actual >= expected
    if operator == "lt":
        return actual < expected
    return actual <= expected  # lte


def _sort_key(row, prop):
    number, customer = row
    value = customer.get(prop) if isinstance(customer, dict) else None
    if prop == "customerNumber":
        return (0, number)
    if prop == "lastUpdated":
        moment = _parse_stamp(value)
        return (moment is None, moment.timestamp() if moment else 0.0, number)
    return (value is None, str(value or "").casefold(), number)
