"""The HTTP base of the outside services' clients: explicit timeout, no
redirects (credentials stay with the configured address), credentials over
HTTPS (or locally) only, retries of idempotent methods on 429 and 5xx with
``Retry-After``, a typed exception for every failure. ``requests``' messages
hold the full URL (and any token in it): never reused nor chained, and
masked in urllib3's log lines."""

import logging
import re
import time
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    InvalidHeader,
    MaxRetryError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from . import exceptions as errors

_logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Query parameters whose values urllib3's log lines (full URLs) never show.
_SECRET_QUERY = re.compile(r"([?&](?:token|password|secret|key)=)[^&\s'\"]+", re.I)


def _mask_secrets(record):
    message = record.getMessage()
    masked = _SECRET_QUERY.sub(r"\1***", message)
    if masked != message:
        record.msg, record.args = masked, ()
    return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).addFilter(_mask_secrets)


def is_secure_url(url):
    parts = urlsplit(url or "")
    return parts.scheme == "https" or parts.hostname in LOCAL_HOSTS


class _Retry(Retry):
    """A ``Retry-After`` beyond ``max_retry_after`` ends the retries, an
    unreadable one is ignored (urllib3 would raise it out of the request)."""

    sleep_function = staticmethod(time.sleep)
    max_retry_after = 30.0

    def new(self, **kw):
        retry = super().new(**kw)
        retry.sleep_function = self.sleep_function
        retry.max_retry_after = self.max_retry_after
        return retry

    def parse_retry_after(self, retry_after):
        try:
            return super().parse_retry_after(retry_after)
        except InvalidHeader:
            return None

    def get_backoff_time(self):
        # One history entry per failure (redirects are not followed).
        backoff = self.backoff_factor * 2 ** (len(self.history) - 1)
        return min(backoff, self.max_retry_after)

    def sleep(self, response=None):
        wait = None if response is None else self.get_retry_after(response)
        wait = self.get_backoff_time() if wait is None else wait
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
            len(retry.history) + retry.total,
        )
        return retry


class HttpClient:
    """One session, base URL, timeout and retry rule; ``backoff``: first wait
    in seconds, doubled after each retry; ``sleep``: the function that waits."""

    label = "the service"
    default_base_url = ""
    retry_methods = Retry.DEFAULT_ALLOWED_METHODS  # the idempotent ones
    retry_statuses = RETRY_STATUSES
    retry_read_timeouts = False
    sends_credentials = False  # tokens or passwords: HTTPS (or local) only
    # HTTP status -> exception; other 4xx: InvalidRequest, 5xx: ServiceUnavailable.
    status_errors = {
        401: errors.AuthenticationFailed,
        403: errors.PermissionDenied,
        404: errors.NotFound,
        429: errors.QuotaExceeded,
    }

    def __init__(
        self,
        base_url=None,
        timeout=10.0,
        *,
        max_retries=2,
        backoff=0.5,
        max_retry_after=30.0,
        sleep=time.sleep,
    ):
        self.base_url = (base_url or self.default_base_url or "").rstrip("/")
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.retry = _Retry(
            total=self.max_retries,
            read=self.max_retries if self.retry_read_timeouts else False,
            other=0,
            allowed_methods=self.retry_methods,
            status_forcelist=self.retry_statuses,
            backoff_factor=max(0.0, float(backoff)),
            raise_on_status=False,
        )
        self.retry.sleep_function = sleep
        self.retry.max_retry_after = float(max_retry_after)
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount(self.base_url or "http://", adapter)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self.session.close()

    def _send(self, method, path, **kwargs):
        """The response, also of an HTTP error (see :meth:`_error_for_status`)."""
        if self.sends_credentials and not is_secure_url(self.base_url):
            raise errors.InsecureAddress(
                f"{self.label}: credentials are only sent to an https:// address."
            )
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            # read timeouts retried to the end come wrapped in a ConnectionError
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(exc, requests.Timeout) or isinstance(
                reason, ReadTimeoutError
            ):
                error = errors.ServiceTimeout(
                    f"{self.label} did not answer within {self.timeout} s."
                )
            elif isinstance(exc, requests.ConnectionError):
                error = errors.ServiceUnavailable(f"Cannot connect to {self.label}.")
            else:
                error = errors.ServiceError(
                    f"Request to {self.label} failed ({type(exc).__name__})."
                )
            raise error from None
        _logger.debug(
            "%s: %s %s -> HTTP %s", self.label, method, path, response.status_code
        )
        return response

    def _error_for_status(self, response, message=None, **kwargs):
        """The typed exception of an HTTP error or redirect status, or None."""
        status = response.status_code
        if status < 300:
            return None
        if status < 400:
            return errors.MalformedResponse(
                f"{self.label} answered with a redirect, not followed.", status=status
            )
        exception_class = self.status_errors.get(status) or (
            errors.ServiceUnavailable if status >= 500 else errors.InvalidRequest
        )
        if issubclass(exception_class, errors.QuotaExceeded):
            kwargs["retry_after"] = self.retry.get_retry_after(response.raw)
        message = message or f"{self.label} answered HTTP {status}."
        return exception_class(message, status=status, **kwargs)

    @staticmethod
    def _json_or_none(response):
        try:
            return response.json()
        except ValueError:
            return None
