"""Typed failures of the outside services, in technical English without
credentials; ``models/tracelink_api.py`` has the messages for people."""


class ServiceError(Exception):
    def __init__(
        self, message="", *, status=None, code=None, details=None, log_id=None
    ):
        super().__init__(message)
        self.message = message
        self.status = status  # HTTP status, when there was an answer
        self.code = code  # the service's own, e.g. "QUOTA_EXCEEDED", "E04300"
        self.details = list(details or [])  # per-field messages (e-conomic)
        self.log_id = log_id  # the service's log id, for support

    def __str__(self):
        code = f" [{self.code}]" if self.code else ""
        status = f" (HTTP {self.status})" if self.status else ""
        return f"{self.message or type(self).__name__}{code}{status}"


class ServiceUnavailable(ServiceError):
    """No usable answer: connection refused, DNS failure, HTTP 5xx."""


class ServiceTimeout(ServiceUnavailable):
    """The service did not answer within the timeout."""


class AuthenticationFailed(ServiceError):
    """Credentials missing, wrong or revoked (HTTP 401)."""


class PermissionDenied(ServiceError):
    """Valid credentials without the right (HTTP 403, e.g. writes on a demo)."""


class QuotaExceeded(ServiceError):
    """Too many calls (HTTP 429, cvrapi.dk QUOTA_EXCEEDED)."""

    def __init__(self, message="", *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after  # seconds, when the service said so


class Banned(ServiceError):
    """The service refuses us altogether (cvrapi.dk BANNED)."""


class NotFound(ServiceError):
    """The asked-for record does not exist (unknown company, unknown customer)."""


class InvalidRequest(ServiceError):
    """The service rejected what we sent (HTTP 400, field errors in ``details``)."""


class InvalidUserAgent(InvalidRequest):
    """The service does not accept our User-Agent (cvrapi.dk INVALID_UA)."""


class MalformedResponse(ServiceError):
    """The answer could not be understood (not JSON, missing fields)."""


class InsecureAddress(ServiceError):
    """Credentials would travel in clear: the address is not HTTPS (nor local)."""


class InvalidCvr(ValueError):
    """A CVR number typed by a user is not a valid Danish CVR number."""
