"""One HTTP foundation for the clients of the outside services.

:class:`HttpClient` holds one ``requests.Session``, the base URL and the
timeout; every call goes through :meth:`HttpClient._send`, which

* passes the explicit timeout and never follows redirects (credentials stay
  with the configured address);
* lets urllib3's :class:`~urllib3.util.retry.Retry` (mounted on the session)
  repeat idempotent methods only (``GET``, ``HEAD``, ``PUT``, ``DELETE``) on
  429 and 5xx, honouring ``Retry-After`` up to ``max_retry_after`` seconds and
  backing off exponentially otherwise. ``POST`` is never repeated once sent;
  only a connection that was never opened is tried again;
* turns every failure of ``requests``/urllib3 into a typed exception of
  :mod:`.exceptions` (:meth:`HttpClient._error_for_status` for HTTP errors).

``Retry-After`` is read in one place, :func:`parse_retry_after`. The messages
of ``requests``' own exceptions hold the full URL (and any token in its query
string): they are never reused nor chained, and log lines show the path only;
urllib3's own debug lines get such query values (``token``...) masked.

A client that sends credentials (:meth:`HttpClient._sends_credentials`)
refuses an address that is not HTTPS, unless its host is this machine
(tests): :class:`~.exceptions.InsecureAddress`.
"""

import logging
import math
import re
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from itertools import takewhile
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ReadTimeoutError, ResponseError
from urllib3.util.retry import Retry

from .exceptions import (
    AuthenticationFailed,
    InsecureAddress,
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

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Query parameters whose values never reach a log line.
_SECRET_QUERY = re.compile(r"([?&](?:token|password|secret|key)=)[^&\s'\"]+", re.I)


class _MaskSecrets(logging.Filter):
    """Masks secret query values in urllib3's log lines (full URLs)."""

    def filter(self, record):
        message = record.getMessage()
        masked = _SECRET_QUERY.sub(r"\1***", message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_MaskSecrets())


def is_secure_url(url):
    """True for an HTTPS address, or any address on this machine."""
    parts = urlsplit(url or "")
    return parts.scheme == "https" or (parts.hostname or "") in LOCAL_HOSTS


def parse_retry_after(value):
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP date).

    None when the value is missing or not understood; never negative.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class _Retry(Retry):
    """urllib3's Retry with the client's backoff, Retry-After parser and sleep.

    A ``Retry-After`` longer than ``max_retry_after`` ends the retries at
    once: the answer goes back to the caller, who tells the user.
    """

    sleep_function = staticmethod(time.sleep)
    max_retry_after = 30.0
    max_attempts = 0

    def new(self, **kw):
        retry = super().new(**kw)
        retry.sleep_function = self.sleep_function
        retry.max_retry_after = self.max_retry_after
        retry.max_attempts = self.max_attempts
        return retry

    def parse_retry_after(self, retry_after):
        return parse_retry_after(retry_after)

    def get_backoff_time(self):
        errors = len(
            list(
                takewhile(lambda h: h.redirect_location is None, reversed(self.history))
            )
        )
        if errors < 1:
            return 0
        return min(self.backoff_factor * 2 ** (errors - 1), self.max_retry_after)

    def sleep_for_retry(self, response=None):
        wait = self.get_retry_after(response)
        if wait is None:
            return False
        self.sleep_function(wait)
        return True

    def _sleep_backoff(self):
        wait = self.get_backoff_time()
        if wait > 0:
            self.sleep_function(wait)

    def increment(self, method=None, url=None, response=None, error=None, **kwargs):
        if response is not None:
            wait = self.get_retry_after(response)
            if wait is not None and wait > self.max_retry_after:
                raise MaxRetryError(
                    kwargs.get("_pool"), url, ResponseError("Retry-After too long")
                )
        retry = super().increment(method, url, response, error, **kwargs)
        _logger.info(
            "%s %s failed (%s), retry %d/%d",
            method,
            urlsplit(url or "").path,
            response.status if response is not None else type(error).__name__,
            len(retry.history),
            self.max_attempts,
        )
        return retry


class HttpClient:
    """Base of the clients of ``tools/``: one session, one timeout, one retry rule.

    :param base_url: root URL of the service (``default_base_url`` when empty).
    :param timeout: seconds for connecting and for each read, on every call.
    :param session: a ``requests.Session`` to use (one is created otherwise;
        only that one is closed by :meth:`close`). The retry adapter is
        mounted on it for the base URL.
    :param max_retries: extra attempts after a transient failure.
    :param backoff: first wait in seconds, doubled after each retry.
    :param max_retry_after: longest wait honoured (Retry-After or backoff).
    :param sleep: the function that waits (tests pass a recorder).

    Subclasses set ``label`` (for messages), ``default_base_url`` and may
    narrow ``retry_statuses`` or set ``retry_read_timeouts``; they call
    :meth:`_send` and map answers with :meth:`_error_for_status`.
    """

    label = "the service"
    default_base_url = ""
    retry_methods = IDEMPOTENT_METHODS
    retry_statuses = RETRY_STATUSES
    retry_read_timeouts = False
    # HTTP status -> exception; other 4xx: InvalidRequest, 5xx: ServiceUnavailable.
    status_errors = {
        401: AuthenticationFailed,
        403: PermissionDenied,
        404: NotFound,
        429: QuotaExceeded,
    }

    def __init__(
        self,
        base_url=None,
        timeout=10.0,
        session=None,
        *,
        max_retries=2,
        backoff=0.5,
        max_retry_after=30.0,
        sleep=time.sleep,
    ):
        self.base_url = (base_url or self.default_base_url or "").rstrip("/")
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self._own_session = session is None
        self.session = requests.Session() if session is None else session
        retry = _Retry(
            total=self.max_retries,
            read=self.max_retries if self.retry_read_timeouts else False,
            other=0,
            allowed_methods=self.retry_methods,
            status_forcelist=self.retry_statuses,
            backoff_factor=max(0.0, float(backoff)),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        retry.sleep_function = sleep
        retry.max_retry_after = float(max_retry_after)
        retry.max_attempts = self.max_retries
        self.session.mount(self.base_url or "http://", HTTPAdapter(max_retries=retry))

    def __repr__(self):
        return f"<{type(self).__name__} {self.base_url}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the session, unless it was given by the caller."""
        if self._own_session:
            self.session.close()

    def _send(self, method, path, **kwargs):
        """Send one request to ``base_url + path``; return the response.

        Retries happen inside (see the module docstring). HTTP errors are
        returned as responses: map them with :meth:`_error_for_status`.
        """
        if self._sends_credentials() and not is_secure_url(self.base_url):
            raise InsecureAddress(
                f"{self.label}: credentials are only sent to an https:// address."
            )
        _logger.debug("%s: %s %s", self.label, method, path)
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.Timeout:
            raise self._timeout_error() from None
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, ReadTimeoutError):
                raise self._timeout_error() from None
            raise ServiceUnavailable(f"Cannot connect to {self.label}.") from None
        except requests.RequestException as exc:
            raise ServiceError(
                f"Request to {self.label} failed ({type(exc).__name__})."
            ) from None
        _logger.debug(
            "%s: %s %s -> HTTP %s", self.label, method, path, response.status_code
        )
        return response

    def _sends_credentials(self):
        """True when the requests carry credentials (tokens, passwords)."""
        return False

    def _timeout_error(self):
        return ServiceTimeout(f"{self.label} did not answer within {self.timeout} s.")

    def _error_for_status(self, response, message=None, **kwargs):
        """The typed exception for an HTTP error or redirect status (or None)."""
        status = response.status_code
        if status < 300:
            return None
        if status < 400:
            return MalformedResponse(
                f"{self.label} answered with a redirect, not followed.", status=status
            )
        exception_class = self.status_errors.get(status) or (
            ServiceUnavailable if status >= 500 else InvalidRequest
        )
        message = message or f"{self.label} answered HTTP {status}."
        if issubclass(exception_class, QuotaExceeded):
            kwargs["retry_after"] = parse_retry_after(
                response.headers.get("Retry-After")
            )
        return exception_class(message, status=status, **kwargs)

    @staticmethod
    def _json_or_none(response):
        """The JSON body of a response, or None when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            return None
