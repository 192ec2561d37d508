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

Reads (GET) and whole-document updates (PUT) are retried on 429, 5xx,
timeouts and connection errors; ``POST`` is never retried, because a
repeated create makes a duplicate customer. After a failed create the caller
looks the customer up (by CVR) before trying again.

The tokens travel in headers only (redirects are not followed, so they never
go to another address). They never appear in exception messages,
in ``repr()`` or in log lines, which carry method, path, status and
e-conomic's ``logId``.
"""

import logging
import math
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests

from .economic_mapping import customer_numbers
from .exceptions import (
    AuthenticationFailed,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ServiceTimeout,
    ServiceUnavailable,
)

_logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://restapi.e-conomic.com"
MAX_PAGE_SIZE = 1000
# Longest wait honoured from a Retry-After header (and from the backoff).
MAX_RETRY_WAIT = 60.0

# The name under which customers can be filtered on their CVR number.
# Unconfirmed: agreements seen so far list it in ``allowedFilteringFields``;
# very old documentation uses ``ciNumber`` (the fallback below), which the
# client switches to when e-conomic says so.
CVR_FILTER_FIELD = "corporateIdentificationNumber"
CVR_FILTER_FIELD_FALLBACK = "ciNumber"

# Methods that may be sent again after a failure without changing the result.
_RETRYABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# Characters that must be escaped with a "$" inside a filter value.
_FILTER_SPECIALS = frozenset("$()*,[]")
# Token values shorter than this (e.g. the public "demo") are not scrubbed
# from messages: they are not secret and would garble ordinary words.
_MIN_SCRUB_LENGTH = 8


def escape_filter_value(value):
    """Escape a value for e-conomic's ``filter`` parameter.

    ``$ ( ) * , [ ]`` get a ``$`` prefix; the whole filter is URL-encoded
    later by ``requests``.
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
    entries, at any depth, also inside lists (order lines).
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


def _parse_retry_after(value):
    """Seconds to wait from a Retry-After header (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class EconomicClient:
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
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._app_secret_token = app_secret_token or ""
        self._agreement_grant_token = agreement_grant_token or ""
        self.timeout = timeout
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self.max_retries = max(0, int(max_retries))
        self.backoff = max(0.0, float(backoff))
        self._sleep = sleep
        self.request_count = 0
        self.cvr_filter_field = CVR_FILTER_FIELD

    def __repr__(self):
        return f"<EconomicClient {self.base_url} tokens=***>"

    def close(self):
        """Close the HTTP session when the client created it."""
        if self._own_session:
            self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

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

    def get_customer(self, customer_number):
        """Return ``GET /customers/{customerNumber}``; ``NotFound`` when unknown."""
        return self._request_dict("GET", f"/customers/{self._number(customer_number)}")

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

    def create_customer(self, body):
        """``POST /customers``; return the created customer (with ``customerNumber``).

        Never retried. On ``ServiceTimeout`` or ``ServiceUnavailable`` the
        customer may or may not exist: look it up before creating it again.
        """
        created = self._request_dict("POST", "/customers", body=body)
        if not isinstance(created.get("customerNumber"), int):
            raise MalformedResponse(
                "e-conomic created a customer but sent no customerNumber",
                status=201,
            )
        return created

    def update_customer(self, customer_number, body):
        """``PUT /customers/{customerNumber}`` with the whole document; return it."""
        path = f"/customers/{self._number(customer_number)}"
        return self._request_dict("PUT", path, body=body)

    # Plumbing -------------------------------------------------------------

    @staticmethod
    def _page_size(page_size):
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise ValueError(f"page_size should be an integer, got {page_size!r}")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size should be 1..{MAX_PAGE_SIZE}, got {page_size}")
        return page_size

    @staticmethod
    def _number(customer_number):
        if isinstance(customer_number, bool):
            raise ValueError(f"invalid customer number {customer_number!r}")
        try:
            number = int(customer_number)
        except (TypeError, ValueError):
            raise ValueError(f"invalid customer number {customer_number!r}") from None
        if number <= 0:
            raise ValueError(f"invalid customer number {customer_number!r}")
        return number

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

    def _request_dict(self, method, path, *, params=None, body=None):
        payload = self._request(method, path, params=params, body=body)
        if not isinstance(payload, dict):
            raise MalformedResponse(
                f"e-conomic answered {method} {path} with {type(payload).__name__}, "
                "not an object"
            )
        return payload

    def _request(self, method, path, *, params=None, body=None):
        """Send one call, retrying reads; return the decoded JSON answer."""
        if not self._app_secret_token or not self._agreement_grant_token:
            raise AuthenticationFailed("e-conomic tokens are not configured")
        retryable = method in _RETRYABLE_METHODS
        attempt = 0
        while True:
            answer, error, cause = self._attempt(method, path, params, body)
            if error is None:
                return answer
            if not retryable or attempt >= self.max_retries or not _is_transient(error):
                raise error from cause
            wait = self._retry_wait(error, attempt)
            attempt += 1
            _logger.warning(
                "e-conomic %s %s failed (%s); retry %d/%d in %.1f s",
                method,
                path,
                error.status or type(error).__name__,
                attempt,
                self.max_retries,
                wait,
            )
            self._sleep(wait)

    def _attempt(self, method, path, params, body):
        """Make one HTTP request; return ``(answer, error, cause)``.

        ``error`` is None on success; otherwise the typed exception to raise
        (or to retry on) and ``cause`` the ``requests`` exception behind it.
        """
        self.request_count += 1
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=self._headers(),
                timeout=self.timeout,
                # a redirect would carry the token headers to another address
                allow_redirects=False,
            )
        except requests.Timeout as exc:
            _logger.warning(
                "e-conomic %s %s timed out after %s s", method, path, self.timeout
            )
            error = ServiceTimeout(
                f"e-conomic did not answer {method} {path} within {self.timeout} s"
            )
            return None, error, exc
        except requests.RequestException as exc:
            _logger.warning("e-conomic %s %s: %s", method, path, type(exc).__name__)
            error = ServiceUnavailable(
                self._scrub(f"Could not reach e-conomic ({method} {path}): {exc}")
            )
            return None, error, exc
        if response.status_code >= 400:
            return None, self._error_from_response(method, path, response), None
        _logger.debug("e-conomic %s %s -> %s", method, path, response.status_code)
        if 300 <= response.status_code < 400:
            error = MalformedResponse(
                f"e-conomic answered {method} {path} with a redirect, not followed",
                status=response.status_code,
            )
            return None, error, None
        try:
            return self._decode(method, path, response), None, None
        except MalformedResponse as error:
            return None, error, None

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

    def _error_from_response(self, method, path, response):
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            payload = {}
        message = payload.get("message") or f"e-conomic answered HTTP {status}"
        kwargs = {
            "status": status,
            "code": payload.get("errorCode") or None,
            "log_id": payload.get("logId") or None,
            "details": [
                self._scrub(line) for line in _error_details(payload.get("errors"))
            ],
        }
        message = self._scrub(message)
        _logger.warning(
            "e-conomic %s %s -> HTTP %s (logId %s)",
            method,
            path,
            status,
            kwargs["log_id"],
        )
        if status == 401:
            return AuthenticationFailed(message, **kwargs)
        if status == 403:
            return PermissionDenied(message, **kwargs)
        if status == 404:
            return NotFound(message, **kwargs)
        if status == 429:
            retry_after = _parse_retry_after(response.headers.get("Retry-After"))
            return QuotaExceeded(message, retry_after=retry_after, **kwargs)
        if status >= 500:
            return ServiceUnavailable(message, **kwargs)
        error = InvalidRequest(message, **kwargs)
        allowed = _allowed_filtering_fields(payload)
        if allowed:
            error.allowed_filtering_fields = allowed
        return error

    def _retry_wait(self, error, attempt):
        if isinstance(error, QuotaExceeded) and error.retry_after is not None:
            return min(error.retry_after, MAX_RETRY_WAIT)
        return min(self.backoff * (2**attempt), MAX_RETRY_WAIT)


def _is_transient(error):
    """Tell whether sending the same read again may succeed."""
    if isinstance(error, QuotaExceeded):
        return True
    if isinstance(error, ServiceUnavailable):
        return error.status != 501  # "not implemented" will not change
    return False
