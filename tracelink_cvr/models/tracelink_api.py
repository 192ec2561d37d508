from odoo import api, models
from odoo.tools.translate import LazyTranslate

from ..tools import exceptions as errors

_lt = LazyTranslate(__name__)

# What people read for each typed failure of an outside service (the entry of
# the nearest class of the failure; ServiceError's is the fallback):
# %(service)s as users know it, %(settings)s where an administrator fixes it,
# %(detail)s, %(seconds)s of the timeout.
SERVICE_ERROR_MESSAGES = {
    errors.InvalidCvr: _lt(
        "“%(detail)s” is not a valid CVR number. A CVR number has 8 "
        "digits, does not start with 0 and has a valid check digit; it "
        "may be written with DK, spaces or dashes. Check the number "
        "and try again."
    ),
    errors.InsecureAddress: _lt(
        "%(service)s is set to an address without https://: "
        "credentials are only sent over an encrypted connection. Ask "
        "your administrator to correct the address in %(settings)s."
    ),
    errors.InvalidUserAgent: _lt(
        "%(service)s does not accept the User-Agent set for it. Ask "
        "your administrator to correct it in %(settings)s, in the form "
        "“application - purpose - contact e-mail”."
    ),
    errors.NotFound: _lt(
        "%(service)s has nothing matching “%(detail)s”. Check the "
        "spelling and try again."
    ),
    errors.QuotaExceeded: _lt(
        "%(service)s refuses more calls for now: the quota is used up. "
        "Try again later, or ask your administrator to check "
        "%(settings)s."
    ),
    errors.Banned: _lt(
        "%(service)s has blocked look-ups from this server. Ask your "
        "administrator to check the User-Agent or choose another "
        "provider in %(settings)s."
    ),
    errors.ServiceTimeout: _lt(
        "%(service)s did not answer within %(seconds)s seconds. Try again in a moment."
    ),
    errors.ServiceUnavailable: _lt(
        "%(service)s cannot be reached right now. Try again later; if "
        "it lasts, ask your administrator to check the address in "
        "%(settings)s."
    ),
    errors.MalformedResponse: _lt(
        "%(service)s sent an answer that could not be understood. Try "
        "again later; if it lasts, tell your administrator."
    ),
    errors.PermissionDenied: _lt(
        "%(service)s accepted the credentials, but they lack the "
        "rights for this action (%(detail)s). Ask your administrator "
        "to check them in %(settings)s."
    ),
    errors.AuthenticationFailed: _lt(
        "%(service)s refused the user name, password or token set for "
        "it. Ask your administrator to check them in %(settings)s."
    ),
    errors.InvalidRequest: _lt("%(service)s refused the request: %(detail)s"),
    errors.ServiceError: _lt(
        "The call to %(service)s failed (%(detail)s). Try again later; "
        "if it lasts, tell your administrator."
    ),
}


class TracelinkApi(models.AbstractModel):
    """The outside services' gateways: typed failures as people's messages."""

    _name = "tracelink.api"
    _description = "Outside Service Gateway"

    @api.model
    def _service_error_message(self, exc, service, settings, detail=None, timeout=0):
        """The message of ``exc``; ``detail`` defaults to its own message."""
        if detail is None:
            detail = getattr(exc, "message", None) or str(exc)
        kinds = (kind for kind in type(exc).__mro__ if kind in SERVICE_ERROR_MESSAGES)
        message = SERVICE_ERROR_MESSAGES[next(kinds, errors.ServiceError)]
        return self.env._(message) % dict(
            service=service, settings=settings, detail=detail, seconds=int(timeout or 0)
        )
