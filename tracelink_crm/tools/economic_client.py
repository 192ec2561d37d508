"""HTTP client for e-conomic's REST API (``https://restapi.e-conomic.com``).

Plain Python on ``requests``: no Odoo import. Every method returns plain
dicts and lists; every failure becomes one of the typed exceptions of
:mod:`.exceptions`:

=====================================  ========================================
e-conomic answer / transport failure   exception
=====================================  ========================================
400                                    ``InvalidRequest`` (``details`` lists
                                       "property: message" per failing field)
401                                    ``AuthenticationFailed``
403                                    ``PermissionDenied``
404                                    ``NotFound``
429                                    ``QuotaExceeded`` (``retry_after``)
5xx, connection error                  ``ServiceUnavailable``
no answer within ``timeout``           ``ServiceTimeout``
other 4xx                              ``InvalidRequest``
success body that is not JSON, 3xx     ``MalformedResponse``
=====================================  ========================================

A 400 caused by a filter field e-conomic does not allow also carries the
answer's ``allowedFilteringFields`` as ``error.allowed_filtering_fields``.

Built on :class:`~.http_client.HttpClient`: reads are retried on 429, 5xx
and timeouts (urllib3's Retry, honouring ``Retry-After``); ``POST`` is never
retried, because a repeated create makes a duplicate customer. A create
carries an ``Idempotency-Key`` the caller keeps: sent again with the same key
within an hour, e-conomic answers the stored result (``X-ResultFromCache``)
instead of creating the customer twice. After a failed create the caller
still looks the customer up before sending it again.

The tokens travel in headers only (redirects are not followed, so they never
go to another address). They never appear in exception messages,
in ``repr()`` or in log lines, which carry method, path, status and
e-conomic's ``logId``.
"""

import logging
import re
import time
from datetime import datetime, timezone

from .economic_mapping import customer_numbers
from .exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
)
from .http_client import RETRY_STATUSES, HttpClient

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://restapi.e-conomic.com"
MAX_PAGE_SIZE = 1000
# Longest wait honoured from a Retry-After header (and from the backoff).
MAX_RETRY_WAIT = 60.0
IDEMPOTENCY_HEADER = "Idempotency-Key"
# e-conomic's token bucket, told with every answer:
# "X-RateLimiting: token-limit-10000-per-60-seconds: 9985/10000" and
# "X-CallCost: 1". Read here as the tokens left (unconfirmed: the public
# documentation does not spell it out).
_RATE_LIMITING = re.compile(
    r"token-limit-(?P<limit>\d+)-per-(?P<window>\d+)-seconds:\s*(?P<left>\d+)\s*/"
)
# Window waited after a 429 that names neither Retry-After nor a window.
DEFAULT_RATE_WINDOW = 60.0


def parse_rate_limiting(value):
    """Return ``(tokens left, limit, window in seconds)`` from X-RateLimiting,
    or None when the header is absent or not understood."""
    match = _RATE_LIMITING.search(value or "")
    if not match:
        return None
    return int(match["left"]), int(match["limit"]), float(match["window"])


# The name under which customers can be filtered on their CVR number.
# Unconfirmed: agreements seen so far list it in ``allowedFilteringFields``;
# very old documentation uses ``ciNumber`` (the fallback below), which the
# client switches to when e-conomic says so.
CVR_FILTER_FIELD = "corporateIdentificationNumber"
CVR_FILTER_FIELD_FALLBACK = "ciNumber"

# Characters that must be escaped with a "$" inside a filter value.
# e-conomic unescapes "$" followed by one of these, nothing else: a comma or
# a bracket stands for itself ("$[" and "$]" would match nothing).
_FILTER_SPECIALS = frozenset("$()*")
# Token values shorter than this (e.g. the public "demo") are not scrubbed
# from messages: they are not secret and would garble ordinary words.
_MIN_SCRUB_LENGTH = 8


def escape_filter_value(value):
    """Escape a value for e-conomic's ``filter`` parameter.

    ``$ ( ) *`` get a ``$`` prefix, exactly what e-conomic unescapes; commas
    and brackets stay as they are. The whole filter is URL-encoded later by
    ``requests``.
    """
    return "".join(
        "$" + char if char in _FILTER_SPECIALS else char for char in str(value)
    )


def format_filter_datetime(moment):
    """Format a datetime as e-conomic filters expect it: ``2026-11-01T00:00:00Z``.

    A naive datetime is taken as UTC; an aware one is converted to UTC.
    """
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_details(errors, path=()):
    """Collect "property: message" strings from e-conomic's nested ``errors``.

    The ``errors`` object mirrors the request: any object along the way may
    hold an ``errors`` list of ``{"propertyName", "errorMessage", ...}``
    entries, at any depth, also inside lists (order lines). A rejected
    filter answers ``errors`` as a plain list of strings: kept as they are.
    """
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


def _allowed_filtering_fields(payload):
    """Return the field names of a 400 answer's ``allowedFilteringFields``."""
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "allowedFilteringFields":
                if isinstance(value, str):
                    return [name.strip() for name in value.split(",") if name.strip()]
                if isinstance(value, list):
                    return [str(name) for name in value]
            elif isinstance(value, dict | list):
                found = _allowed_filtering_fields(value)
                if found:
                    return found
    elif isinstance(payload, list):
        for item in payload:
            found = _allowed_filtering_fields(item)
            if found:
                return found
    return []


class EconomicClient(HttpClient):
    """Talks to e-conomic's REST API with one agreement's tokens.

    :param base_url: API root, ``https://restapi.e-conomic.com`` by default
        (a setting, so tests point it at a local server).
    :param app_secret_token: the app's ``X-AppSecretToken``.
    :param agreement_grant_token: the agreement's ``X-AgreementGrantToken``.
    :param timeout: seconds per HTTP request (connect and read).
    :param session: a ``requests.Session`` to use; one is created otherwise.
    :param max_retries: extra attempts for reads after a transient failure.
    :param backoff: first wait in seconds; doubled after each retry.
    :param sleep: the function that waits (injected by tests).
    """

    label = "e-conomic"
    default_base_url = DEFAULT_BASE_URL
    retry_read_timeouts = True
    # A 429 without Retry-After is waited out here, by the rate-limit window
    # (urllib3 would back off for seconds only)
    retry_statuses = RETRY_STATUSES - {429}

    def __init__(
        self,
        base_url=DEFAULT_BASE_URL,
        app_secret_token="",
        agreement_grant_token="",
        timeout=30.0,
        session=None,
        max_retries=3,
        backoff=1.0,
        sleep=time.sleep,
    ):
        super().__init__(
            base_url or DEFAULT_BASE_URL,
            timeout,
            session,
            max_retries=max_retries,
            backoff=backoff,
            max_retry_after=MAX_RETRY_WAIT,
            sleep=sleep,
        )
        self._app_secret_token = app_secret_token or ""
        self._agreement_grant_token = agreement_grant_token or ""
        self._sleep = sleep
        self._pause = 0.0  # seconds to wait before the next call (pacing)
        self.request_count = 0
        self.cvr_filter_field = CVR_FILTER_FIELD

    def __repr__(self):
        return f"<EconomicClient {self.base_url} tokens=***>"

    # Public API -----------------------------------------------------------

    def get_self(self):
        """Return ``GET /self``: agreement, company, user and app of the tokens."""
        return self._request_dict("GET", "/self")

    def iter_customer_pages(
        self, updated_since=None, after_number=0, page_size=MAX_PAGE_SIZE
    ):
        """Yield ``(customers, pagination)`` for each page of ``GET /customers``.

        Pages are read in customer-number order, each asking for the
        customers after the highest number of the page before
        (``customerNumber$gt:``), so a customer added or deleted meanwhile
        shifts nothing and a run can resume after any page with
        ``after_number``. With ``updated_since`` (a datetime; naive means
        UTC) only customers changed after that moment are asked for
        (``lastUpdated$gt:``). Stops when ``pagination.nextPage`` is absent.
        """
        params = {"pagesize": self._page_size(page_size), "sort": "customerNumber"}
        conditions = []
        if updated_since is not None:
            stamp = format_filter_datetime(updated_since)
            conditions.append(f"lastUpdated$gt:{escape_filter_value(stamp)}")
        after = int(after_number or 0)
        while True:
            page_conditions = list(conditions)
            if after:
                page_conditions.append(f"customerNumber$gt:{after}")
            query = dict(params)
            if page_conditions:
                query["filter"] = "$and:".join(page_conditions)
            payload = self._request_dict("GET", "/customers", params=query)
            collection = payload.get("collection")
            if not isinstance(collection, list):
                raise MalformedResponse(
                    "e-conomic answered GET /customers without a collection",
                    status=200,
                )
            pagination = payload.get("pagination")
            if not isinstance(pagination, dict):
                pagination = {}
            yield collection, pagination
            numbers = customer_numbers(collection)
            if not pagination.get("nextPage") or not numbers:
                return
            after = max(after, *numbers)

    def iter_customers(self, updated_since=None, page_size=MAX_PAGE_SIZE):
        """Yield every customer of :meth:`iter_customer_pages`, one by one."""
        for customers, _pagination in self.iter_customer_pages(
            updated_since=updated_since, page_size=page_size
        ):
            yield from customers

    def find_customers_by_cvr(self, cvr):
        """Return the customers whose CVR field equals ``cvr`` (a list, maybe empty).

        The value is compared as given (e-conomic stores free text). When
        e-conomic refuses the filter field and lists ``ciNumber`` as
        filterable instead, the lookup is repeated once with that name, which
        the client then keeps using.
        """
        cvr = str(cvr or "").strip()
        if not cvr:
            raise ValueError("find_customers_by_cvr needs a CVR number")
        field = self.cvr_filter_field
        try:
            return self._customers_where(field, cvr)
        except InvalidRequest as error:
            allowed = getattr(error, "allowed_filtering_fields", None) or []
            if (
                field == CVR_FILTER_FIELD_FALLBACK
                or field in allowed
                or CVR_FILTER_FIELD_FALLBACK not in allowed
            ):
                raise
        _logger.info(
            "e-conomic does not filter customers on %s; using %s",
            field,
            CVR_FILTER_FIELD_FALLBACK,
        )
        self.cvr_filter_field = CVR_FILTER_FIELD_FALLBACK
        return self._customers_where(CVR_FILTER_FIELD_FALLBACK, cvr)

    def _customers_where(self, field, value):
        """Return every customer whose ``field`` equals ``value``."""
        params = {
            "pagesize": MAX_PAGE_SIZE,
            "sort": "customerNumber",
            "filter": f"{field}$eq:{escape_filter_value(value)}",
        }
        return [
            customer
            for customers, _pagination in self._iter_pages("/customers", params)
            for customer in customers
        ]

    def create_customer(self, body, idempotency_key=None):
        """``POST /customers``; return the created customer (with ``customerNumber``).

        Never retried here. On ``ServiceTimeout`` or ``ServiceUnavailable``
        the customer may or may not exist: look it up, then send the create
        again with the same ``idempotency_key``.
        """
        headers = {IDEMPOTENCY_HEADER: idempotency_key} if idempotency_key else None
        created = self._request_dict("POST", "/customers", body=body, headers=headers)
        if not isinstance(created.get("customerNumber"), int):
            raise MalformedResponse(
                "e-conomic created a customer but sent no customerNumber",
                status=201,
            )
        return created

    # Plumbing -------------------------------------------------------------

    @staticmethod
    def _page_size(page_size):
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise ValueError(f"page_size should be an integer, got {page_size!r}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size should be 1..{MAX_PAGE_SIZE}, got {page_size}")
        return page_size

    def _iter_pages(self, path, params):
        """Yield ``(collection, pagination)`` pages of a collection endpoint.

        The next page is asked for with ``skippages`` + 1 and the same
        parameters (not by following the ``nextPage`` URL), so requests only
        ever go to ``base_url``; ``nextPage`` only says whether to go on.
        """
        skip = 0
        while True:
            payload = self._request_dict(
                "GET", path, params={**params, "skippages": skip}
            )
            collection = payload.get("collection")
            if not isinstance(collection, list):
                raise MalformedResponse(
                    f"e-conomic answered GET {path} without a collection", status=200
                )
            pagination = payload.get("pagination")
            if not isinstance(pagination, dict):
                pagination = {}
            yield collection, pagination
            if not pagination.get("nextPage") or not collection:
                return
            skip += 1

    def _headers(self):
        return {
            "X-AppSecretToken": self._app_secret_token,
            "X-AgreementGrantToken": self._agreement_grant_token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def _scrub(self, text):
        """Remove the tokens from a text that will end up in a message."""
        text = str(text)
        for token in (self._app_secret_token, self._agreement_grant_token):
            if len(token) >= _MIN_SCRUB_LENGTH:
                text = text.replace(token, "***")
        return text

    def _request_dict(self, method, path, *, params=None, body=None, headers=None):
        payload = self._request(method, path, params=params, body=body, headers=headers)
        if not isinstance(payload, dict):
            raise MalformedResponse(
                f"e-conomic answered {method} {path} with {type(payload).__name__}, "
                "not an object"
            )
        return payload

    def _request(self, method, path, *, params=None, body=None, headers=None):
        """Send one call (reads retried by the base); return the decoded JSON."""
        if not self._app_secret_token or not self._agreement_grant_token:
            raise AuthenticationFailed("e-conomic tokens are not configured")
        self.request_count += 1
        for attempt in range(self.max_retries + 1):
            if self._pause:
                self._sleep(self._pause)
                self._pause = 0.0
            response = self._send(
                method,
                path,
                params=params,
                json=body,
                headers={**self._headers(), **(headers or {})},
            )
            wait = self._pace(response)
            if (
                response.status_code != 429
                # urllib3 honours a Retry-After itself (see HttpClient)
                or response.headers.get("Retry-After")
                or method not in self.retry_methods
                or attempt == self.max_retries
                or wait > MAX_RETRY_WAIT
            ):
                break
            _logger.info(
                "e-conomic %s %s: rate limit reached, waiting %.0f s",
                method,
                path,
                wait,
            )
            self._sleep(wait)
            self._pause = 0.0  # a whole window refilled the bucket
        if response.status_code >= 300:
            raise self._error_from_response(method, path, response)
        _logger.debug("e-conomic %s %s -> %s", method, path, response.status_code)
        return self._decode(method, path, response)

    @staticmethod
    def _decode(method, path, response):
        if not response.content:
            if response.status_code == 204 and method != "GET":
                return None
            raise MalformedResponse(
                f"e-conomic answered {method} {path} with an empty body",
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            content_type = response.headers.get("Content-Type") or "no content type"
            raise MalformedResponse(
                f"e-conomic answered {method} {path} with a body that is not JSON "
                f"({content_type})",
                status=response.status_code,
            ) from None

    def _pace(self, response):
        """Plan the wait before the next call from e-conomic's token bucket;
        return how long a 429 without Retry-After waits.

        When fewer tokens are left than the call cost, the next call waits
        until the bucket has refilled that many. A 429 without Retry-After is
        waited out by a whole window of the bucket.
        """
        bucket = parse_rate_limiting(response.headers.get("X-RateLimiting"))
        try:
            cost = max(1, int(response.headers.get("X-CallCost") or 1))
        except ValueError:
            cost = 1
        if bucket:
            left, limit, window = bucket
            if left < cost and limit:
                self._pause = min((cost - left) * window / limit, MAX_RETRY_WAIT)
        if response.status_code != 429:
            return 0.0
        return bucket[2] if bucket else DEFAULT_RATE_WINDOW

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
        error = self._error_for_status(
            response,
            self._scrub(payload.get("message") or f"e-conomic answered HTTP {status}"),
            code=payload.get("errorCode") or None,
            log_id=log_id,
            details=[
                self._scrub(line) for line in _error_details(payload.get("errors"))
            ],
        )
        allowed = _allowed_filtering_fields(payload)
        if allowed and isinstance(error, InvalidRequest):
            error.allowed_filtering_fields = allowed
        return error
