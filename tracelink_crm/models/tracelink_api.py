from odoo import api, models
from odoo.exceptions import UserError

from ..tools.exceptions import (
    AuthenticationFailed,
    Banned,
    InsecureAddress,
    InvalidCvr,
    InvalidRequest,
    InvalidUserAgent,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)


class TracelinkApi(models.AbstractModel):
    """What the gateways of the outside services share.

    The gateways (``tracelink.cvr.api``, ``tracelink.economic.api``) inherit
    it and turn the typed failures of their clients into messages for people
    with :meth:`_service_user_error`: one table for every service.
    """

    _name = "tracelink.api"
    _description = "Outside Service Gateway"

    @api.model
    def _service_error_messages(self):
        """The table from failure to message, most specific class first.

        Each message may use ``%(service)s`` (the service's name),
        ``%(settings)s`` (where an administrator fixes it), ``%(detail)s``
        (what was asked for, or the service's own words) and
        ``%(seconds)s`` (the timeout).
        """
        return (
            (
                InvalidCvr,
                self.env._(
                    "“%(detail)s” is not a valid CVR number. A CVR number has 8 "
                    "digits, does not start with 0 and has a valid check digit; it "
                    "may be written with DK, spaces or dashes. Check the number "
                    "and try again."
                ),
            ),
            (
                InsecureAddress,
                self.env._(
                    "%(service)s is set to an address without https://: "
                    "credentials are only sent over an encrypted connection. Ask "
                    "your administrator to correct the address in %(settings)s."
                ),
            ),
            (
                InvalidUserAgent,
                self.env._(
                    "%(service)s does not accept the User-Agent set for it. Ask "
                    "your administrator to correct it in %(settings)s, in the form "
                    "“application - purpose - contact e-mail”."
                ),
            ),
            (
                NotFound,
                self.env._(
                    "%(service)s has nothing matching “%(detail)s”. Check the "
                    "spelling and try again."
                ),
            ),
            (
                QuotaExceeded,
                self.env._(
                    "%(service)s refuses more calls for now: the quota is used up. "
                    "Try again later, or ask your administrator to check "
                    "%(settings)s."
                ),
            ),
            (
                Banned,
                self.env._(
                    "%(service)s has blocked look-ups from this server. Ask your "
                    "administrator to check the User-Agent or choose another "
                    "provider in %(settings)s."
                ),
            ),
            (
                ServiceTimeout,
                self.env._(
                    "%(service)s did not answer within %(seconds)s seconds. Try "
                    "again in a moment."
                ),
            ),
            (
                ServiceUnavailable,
                self.env._(
                    "%(service)s cannot be reached right now. Try again later; if "
                    "it lasts, ask your administrator to check the address in "
                    "%(settings)s."
                ),
            ),
            (
                MalformedResponse,
                self.env._(
                    "%(service)s sent an answer that could not be understood. Try "
                    "again later; if it lasts, tell your administrator."
                ),
            ),
            (
                PermissionDenied,
                self.env._(
                    "%(service)s accepted the credentials, but they lack the "
                    "rights for this action (%(detail)s). Ask your administrator "
                    "to check them in %(settings)s."
                ),
            ),
            (
                AuthenticationFailed,
                self.env._(
                    "%(service)s refused the user name, password or token set for "
                    "it. Ask your administrator to check them in %(settings)s."
                ),
            ),
            (
                InvalidRequest,
                self.env._("%(service)s refused the request: %(detail)s"),
            ),
            (
                ServiceError,
                self.env._(
                    "The call to %(service)s failed (%(detail)s). Try again later; "
                    "if it lasts, tell your administrator."
                ),
            ),
        )

    @api.model
    def _service_error_message(self, exc, service, settings, detail=None, timeout=0):
        """The translated message for ``exc`` from :meth:`_service_error_messages`.

        :param service: the service's name as users know it.
        :param settings: where an administrator fixes the configuration.
        :param detail: what the user asked for; the exception's own message
            when not given.
        """
        if detail is None:
            detail = getattr(exc, "message", None) or str(exc)
        values = {
            "service": service,
            "settings": settings,
            "detail": detail,
            "seconds": int(timeout or 0),
        }
        for exception_class, message in self._service_error_messages():
            if isinstance(exc, exception_class):
                return message % values
        return self._service_error_messages()[-1][1] % values

    @api.model
    def _service_user_error(self, exc, service, settings, detail=None, timeout=0):
        """The ``UserError`` for ``exc``: see :meth:`_service_error_message`."""
        return UserError(
            self._service_error_message(exc, service, settings, detail, timeout)
        )
