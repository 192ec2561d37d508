"""HTTP client for e-conomic's REST API (``https://restapi.e-conomic.com``).

``POST`` is never retried (a repeated create makes a duplicate customer): a
create carries an ``Idempotency-Key`` the caller keeps, and e-conomic answers
the same key within an hour with the stored result. The tokens travel in
headers only, never in messages, ``repr()`` or log lines.
"""

import logging
import re
from datetime import timezone

from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
)
from odoo.addons.tracelink_cvr.tools.http_client import RETRY_STATUSES, HttpClient

from .economic_mapping import item_numbers

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://restapi.e-conomic.com"
MAX_PAGE_SIZE = 1000
# Longest wait honoured from a Retry-After header (and from the backoff).
MAX_RETRY_WAIT = 60.0
# e-conomic's token bucket, told with every answer:
# "X-RateLimiting: token-limit-10000-per-60-seconds: 9985/10000" and
# "X-CallCost: 1". Read here as the tokens left (unconfirmed: the public
# documentation does not spell it out).
_RATE_LIMITING = re.compile(
    r"token-limit-(?P<limit>\d+)-per-(?P<window>\d+)-seconds:\s*(?P<left>\d+)\s*/"
)
# Window waited after a 429 that names neither Retry-After nor a window.
DEFAULT_RATE_WINDOW = 60.0
# The filter name of the customers' CVR number (unconfirmed); very old
# documentation uses ``ciNumber``, taken when e-conomic lists only that one.
CVR_FILTER_FIELD = "corporateIdentificationNumber"
CVR_FILTER_FIELD_FALLBACK = "ciNumber"
# Where an invoice keeps the Odoo order's reference: filterable on drafts and
# booked invoices (the property path as a filter name is unconfirmed).
REFERENCE_FILTER_FIELD = "references.other"
# Token values shorter than this (e.g. the public "demo") are not scrubbed
# from messages: they are not secret and would garble ordinary words.
_MIN_SCRUB_LENGTH = 8


def escape_filter_value(value):
    """Escape a value for e-conomic's ``filter`` parameter: e-conomic
    unescapes "$" before one of ``$ ( ) *`` only (a comma stands for itself)."""
    return re.sub(r"([$()*])", r"$\1", str(value))


def format_filter_datetime(moment):
    """Format a datetime as e-conomic filters expect it (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_details(errors, path=()):
    """Collect "property: message" strings from e-conomic's ``errors``,
    which mirrors the request: ``errors`` lists at any depth, also in lists;
    a rejected filter's plain strings are kept as they are."""
    found = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "errors" and isinstance(value, list):
                for entry in value:
                    if isinstance(entry, dict) and entry.get("errorMessage"):
                        prop = entry.get("propertyName") or ".".join(path) or "?"
                        found.append(f"{prop}: {entry['errorMessage']}")
                    else:
                        found.extend(_error_details(entry, path))
            else:
                found.extend(_error_details(value, (*path, str(key))))
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            if isinstance(item, str):
                found.append(item)
            else:
                found.extend(_error_details(item, (*path, str(index))))
    return found


class EconomicClient(HttpClient):
    """Talks to e-conomic's REST API with one agreement's tokens (the app's
    ``X-AppSecretToken``, the agreement's ``X-AgreementGrantToken``)."""

    label = "e-conomic"
    default_base_url = DEFAULT_BASE_URL
    sends_credentials = True
    retry_read_timeouts = True
    # A 429 without Retry-After is waited out here, by the rate-limit window
    # (urllib3 would back off for seconds only)
    retry_statuses = RETRY_STATUSES - {429}

    def __init__(
        self,
        base_url=None,
        app_secret_token="",
        agreement_grant_token="",
        timeout=30.0,
        **options,
    ):
        options = {"max_retries": 3, "backoff": 1.0, **options}
        super().__init__(base_url, timeout, max_retry_after=MAX_RETRY_WAIT, **options)
        self._app_secret_token = (app_secret_token or "").strip()
        self._agreement_grant_token = (agreement_grant_token or "").strip()
        self.session.headers.update(
            {
                "X-AppSecretToken": self._app_secret_token,
                "X-AgreementGrantToken": self._agreement_grant_token,
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
        )
        self._pause = 0.0  # seconds to wait before the next call (pacing)
        self.cvr_filter_field = CVR_FILTER_FIELD

    def __repr__(self):
        return f"<EconomicClient {self.base_url} tokens=***>"

    def get_self(self):
        return self._request("GET", "/self")

    def iter_pages(self, path, where=(), key=None, after=0, page_size=MAX_PAGE_SIZE):
        """Yield ``(items, pagination)`` of each page of the collection at
        ``path`` (the conditions of ``where`` joined by ``$and:``), sorted by
        the number ``key`` and each asked for after the last number read
        (``$gt:``), so an item added or deleted meanwhile shifts nothing;
        without ``key`` the first page only (catalogues of a few items)."""
        while True:
            conditions = [*where, f"{key}$gt:{after}"] if key and after else where
            query = {"pagesize": page_size, "sort": key}
            if conditions:
                query["filter"] = "$and:".join(conditions)
            payload = self._request("GET", path, params=query)
            items, pagination = payload.get("collection"), payload.get("pagination")
            if not isinstance(items, list):
                raise MalformedResponse(
                    f"e-conomic answered GET {path} without a collection", status=200
                )
            pagination = pagination if isinstance(pagination, dict) else {}
            yield items, pagination
            numbers = item_numbers(items, key)
            if not key or not pagination.get("nextPage") or not numbers:
                return
            after = max(after, *numbers)

    def iter_collection(self, path, where=(), key=None):
        for items, _pagination in self.iter_pages(path, where, key):
            yield from items

    def iter_customer_pages(
        self, updated_since=None, after_number=0, page_size=MAX_PAGE_SIZE, where=()
    ):
        where = list(where)
        if updated_since is not None:
            where.append(f"lastUpdated$gt:{format_filter_datetime(updated_since)}")
        after = int(after_number or 0)
        return self.iter_pages("/customers", where, "customerNumber", after, page_size)

    def iter_customers(self, **filters):
        for customers, _pagination in self.iter_customer_pages(**filters):
            yield from customers

    def booked_page(self, after_number=0, unpaid=False):
        """The first page of the booked (or unpaid) invoices after ``after_number``."""
        path = "/invoices/unpaid" if unpaid else "/invoices/booked"
        return next(self.iter_pages(path, [], "bookedInvoiceNumber", after_number))

    def find_customers_by_cvr(self, cvr):
        """The customers whose CVR field is ``cvr`` as given (free text); on
        to ``ciNumber`` when e-conomic lists only that one as filterable."""
        cvr = str(cvr or "").strip()
        if not cvr:
            raise ValueError("find_customers_by_cvr needs a CVR number")
        field = self.cvr_filter_field
        condition = f"$eq:{escape_filter_value(cvr)}"
        try:
            return list(self.iter_customers(where=[field + condition]))
        except InvalidRequest as error:
            allowed = error.allowed_filtering_fields
            if field in allowed or CVR_FILTER_FIELD_FALLBACK not in allowed:
                raise
        _logger.info(
            "e-conomic does not filter customers on %s; using %s",
            field,
            CVR_FILTER_FIELD_FALLBACK,
        )
        self.cvr_filter_field = CVR_FILTER_FIELD_FALLBACK
        return list(self.iter_customers(where=[CVR_FILTER_FIELD_FALLBACK + condition]))

    def create_customer(self, body, idempotency_key=None):
        """``POST /customers`` (never retried: after a timeout look the
        customer up, then send it again with the same key)."""
        return self._create("/customers", body, idempotency_key, "customerNumber")

    def find_products(self, numbers):
        """The products among ``numbers`` (one call for up to 50 numbers)."""
        found = {}
        numbers = sorted({str(number) for number in numbers if number})
        for start in range(0, len(numbers), 50):
            condition = "$or:".join(
                f"productNumber$eq:{escape_filter_value(number)}"
                for number in numbers[start : start + 50]
            )
            for product in self.iter_collection("/products", [condition]):
                if isinstance(product, dict) and product.get("productNumber"):
                    found[str(product["productNumber"])] = product
        return found

    def create_product(self, body, idempotency_key=None):
        return self._create("/products", body, idempotency_key, "productNumber")

    def create_draft_invoice(self, body, idempotency_key=None):
        path = "/invoices/drafts"
        return self._create(path, body, idempotency_key, "draftInvoiceNumber")

    def book_invoice(self, draft_number, send_by=None, idempotency_key=None):
        body = {"draftInvoice": {"draftInvoiceNumber": int(draft_number)}}
        if send_by:
            body["sendBy"] = send_by
        path = "/invoices/booked"
        return self._create(path, body, idempotency_key, "bookedInvoiceNumber")

    def replace_draft_invoice(self, draft_number, body):
        return self._request("PUT", f"/invoices/drafts/{int(draft_number)}", body=body)

    def delete_draft_invoice(self, draft_number):
        path = f"/invoices/drafts/{int(draft_number)}"
        self._request("DELETE", path, expect_body=False)

    def find_invoices_by_reference(self, reference):
        condition = [f"{REFERENCE_FILTER_FIELD}$eq:{escape_filter_value(reference)}"]
        drafts = list(self.iter_collection("/invoices/drafts", condition))
        booked = list(self.iter_collection("/invoices/booked", condition))
        return drafts, booked

    def _create(self, path, body, idempotency_key, number_key):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        created = self._request("POST", path, body=body, headers=headers)
        if created.get(number_key) in (None, ""):
            raise MalformedResponse(
                f"e-conomic answered POST {path} without {number_key}", status=201
            )
        return created

    def _request(
        self, method, path, *, params=None, body=None, headers=None, expect_body=True
    ):
        """Send one call (reads retried by the base); return the JSON object."""
        if not self._app_secret_token or not self._agreement_grant_token:
            raise AuthenticationFailed("e-conomic tokens are not configured")
        response = self._send_paced(
            method, path, params=params, json=body, headers=headers
        )
        if response.status_code >= 300:
            raise self._error_from_response(method, path, response)
        if not expect_body:
            return {}
        payload = self._json_or_none(response)
        if not isinstance(payload, dict):
            content_type = response.headers.get("Content-Type") or "no content type"
            raise MalformedResponse(
                f"e-conomic answered {method} {path} with a body that is not "
                f"JSON of an object ({content_type}, {len(response.content)} bytes)",
                status=response.status_code,
            )
        return payload

    def _send_paced(self, method, path, **kwargs):
        """Send after the pause the token bucket asks for; a 429 without
        Retry-After (urllib3 honours one itself) is sent again after a whole
        window of the bucket, which refills it, for idempotent methods."""
        for attempt in range(self.max_retries + 1):
            if self._pause:
                self.retry.sleep_function(self._pause)
                self._pause = 0.0
            response = self._send(method, path, **kwargs)
            wait = self._pace(response)
            if (
                response.status_code != 429
                or response.headers.get("Retry-After")
                or method not in self.retry_methods
                or attempt == self.max_retries
                or wait > MAX_RETRY_WAIT
            ):
                return response
            _logger.info(
                "e-conomic %s %s: rate limit reached, waiting %.0f s",
                method,
                path,
                wait,
            )
            self._pause = wait

    def _pace(self, response):
        """Plan the wait before the next call from e-conomic's token bucket
        (until it holds the last call's cost); return the wait after a 429
        without Retry-After: a whole window of the bucket."""
        bucket = _RATE_LIMITING.search(response.headers.get("X-RateLimiting") or "")
        try:
            cost = max(1, int(response.headers.get("X-CallCost") or 1))
        except ValueError:
            cost = 1
        window = float(bucket["window"]) if bucket else DEFAULT_RATE_WINDOW
        if bucket and int(bucket["left"]) < cost and int(bucket["limit"]):
            missing = cost - int(bucket["left"])
            self._pause = min(missing * window / int(bucket["limit"]), MAX_RETRY_WAIT)
        return window if response.status_code == 429 else 0.0

    def _scrub(self, text):
        text = str(text)
        for token in (self._app_secret_token, self._agreement_grant_token):
            if len(token) >= _MIN_SCRUB_LENGTH:
                text = text.replace(token, "***")
        return text

    def _error_from_response(self, method, path, response):
        status = response.status_code
        payload = self._json_or_none(response)
        if not isinstance(payload, dict):
            payload = {}
        log_id = payload.get("logId") or None
        if status >= 400:
            _logger.warning(
                "e-conomic %s %s -> HTTP %s (logId %s)", method, path, status, log_id
            )
        details = _error_details(payload.get("errors"))
        error = self._error_for_status(
            response,
            self._scrub(payload.get("message") or f"e-conomic answered HTTP {status}"),
            code=payload.get("errorCode") or None,
            log_id=log_id,
            details=[self._scrub(line) for line in details],
        )
        allowed = payload.get("allowedFilteringFields") or []
        if isinstance(allowed, str):
            allowed = [name.strip() for name in allowed.split(",")]
        error.allowed_filtering_fields = allowed
        return error
