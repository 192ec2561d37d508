from odoo import api, models

from ..tools import exceptions as errors


class TracelinkApi(models.AbstractModel):
    """What the gateways of the outside services share: one table turning
    the typed failures of their clients into messages for people."""

    _name = "tracelink.api"
    _description = "Outside Service Gateway"

    @api.model
    def _service_error_message(self, exc, service, settings, detail=None, timeout=0):
        """The translated message for ``exc``, most specific class first:
        ``service`` as users know it, the ``settings`` where an administrator
        fixes it, the ``detail`` asked for (default: ``exc``'s message)."""
        messages = {
            errors.InvalidCvr: self.env._(
                "“%(detail)s” is not a valid CVR number. A CVR number has 8 "
                "digits, does not start with 0 and has a valid check digit; it "
                "may be written with DK, spaces or dashes. Check the number "
                "and try again."
            ),
            errors.InsecureAddress: self.env._(
                "%(service)s is set to an address without https://: "
                "credentials are only sent over an encrypted connection. Ask "
                "your administrator to correct the address in %(settings)s."
            ),
            errors.InvalidUserAgent: self.env._(
                "%(service)s does not accept the User-Agent set for it. Ask "
                "your administrator to correct it in %(settings)s, in the form "
                "“application - purpose - contact e-mail”."
            ),
            errors.NotFound: self.env._(
                "%(service)s has nothing matching “%(detail)s”. Check the "
                "spelling and try again."
            ),
            errors.QuotaExceeded: self.env._(
                "%(service)s refuses more calls for now: the quota is used up. "
                "Try again later, or ask your administrator to check "
                "%(settings)s."
            ),
            errors.Banned: self.env._(
                "%(service)s has blocked look-ups from this server. Ask your "
                "administrator to check the User-Agent or choose another "
                "provider in %(settings)s."
            ),
            errors.ServiceTimeout: self.env._(
                "%(service)s did not answer within %(seconds)s seconds. Try "
                "again in a moment."
            ),
            errors.ServiceUnavailable: self.env._(
                "%(service)s cannot be reached right now. Try again later; if "
                "it lasts, ask your administrator to check the address in "
                "%(settings)s."
            ),
            errors.MalformedResponse: self.env._(
                "%(service)s sent an answer that could not be understood. Try "
                "again later; if it lasts, tell your administrator."
            ),
            errors.PermissionDenied: self.env._(
                "%(service)s accepted the credentials, but they lack the "
                "rights for this action (%(detail)s). Ask your administrator "
                "to check them in %(settings)s."
            ),
            errors.AuthenticationFailed: self.env._(
                "%(service)s refused the user name, password or token set for "
                "it. Ask your administrator to check them in %(settings)s."
            ),
            errors.InvalidRequest: self.env._(
                "%(service)s refused the request: %(detail)s"
            ),
            errors.ServiceError: self.env._(
                "The call to %(service)s failed (%(detail)s). Try again later; "
                "if it lasts, tell your administrator."
            ),
        }
        if detail is None:
            detail = getattr(exc, "message", None) or str(exc)
        kinds = (text for kind, text in messages.items() if isinstance(exc, kind))
        return next(kinds, messages[errors.ServiceError]) % dict(
            service=service, settings=settings, detail=detail, seconds=int(timeout or 0)
        )
