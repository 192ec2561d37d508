import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.cvr import looks_like_cvr, normalize_cvr
from ..tools.cvr_client import (
    PROVIDERS,
    CvrApiDkClient,
    VirkDistributionClient,
    partner_values,
)
from ..tools.exceptions import InvalidCvr, InvalidRequest, NotFound, ServiceError

_logger = logging.getLogger(__name__)

CVR_PROVIDER_SELECTION = [(code, kind.label) for code, kind in PROVIDERS.items()]
MAX_SEARCH_LENGTH = 100
# A company the register does not know is not asked for again for this long.
NOT_FOUND_CACHE_HOURS = 1
DEFAULT_TIMEOUT = 10


class TracelinkCvrApi(models.AbstractModel):
    """Gateway to the CVR register: who may look up, the company's settings
    and provider, the cache, the per-user limit, and a ``UserError`` for every
    failure. Nothing here writes a partner."""

    _name = "tracelink.cvr.api"
    _inherit = "tracelink.api"
    _description = "CVR Register Gateway"

    @api.model
    def _cvr_search(self, term, company=None):
        """Company dicts (``tools.cvr_client``) matching a name or a CVR number
        (checked before any call), best first; never empty (UserError)."""
        company = company or self.env.company
        text = " ".join((term or "").split())
        if not text:
            raise UserError(self.env._("Type a company name or a CVR number."))
        if len(text) > MAX_SEARCH_LENGTH:
            raise UserError(
                self.env._(
                    "A search term may have %s characters at most: type the "
                    "company's name or CVR number.",
                    MAX_SEARCH_LENGTH,
                )
            )
        if looks_like_cvr(text):
            return [self._cvr_get(text, company=company)]
        key = f"name:{text.casefold()}"
        return self._cvr_call(company, key, lambda client: client.search(text), text)

    @api.model
    def _cvr_get(self, cvr, company=None, use_cache=True):
        """One company dict by its CVR number (validated first); with
        ``use_cache=False`` the register is read even when a fresh answer is
        cached."""
        number = self._cvr_normalize(cvr)
        [result] = self._cvr_call(
            company or self.env.company,
            f"cvr:{number}",
            lambda client: [client.get(number)],
            number,
            use_cache=use_cache,
        )
        return result

    @api.model
    def _cvr_normalize(self, cvr):
        """The 8 digits of a CVR number typed by a user, or a UserError."""
        try:
            return normalize_cvr(cvr)
        except InvalidCvr as exc:
            raise self._cvr_user_error(exc, cvr) from exc

    @api.model
    def _prepare_partner_vals_from_cvr(self, company_dict):
        """Values of a company partner from a company dict: the register
        fields of ``tools.cvr_client.FIELDS``, in its order."""
        return {
            "is_company": True,
            "country_id": self.env.ref("base.dk").id,
            **partner_values(company_dict),
            "cvr_provider": company_dict.get("provider") or False,
            "cvr_lookup_date": fields.Datetime.now(),
        }

    @api.model
    def _cvr_make_provider(self, company):
        """The configured provider of ``company`` (close it after use); its
        credentials serve only the users of that company."""
        if not self.env.su and company not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot look companies up in the CVR register with the "
                    "settings of %s: you do not work for that company.",
                    company.sudo().display_name,
                )
            )
        settings = company.sudo()
        timeout = settings.cvr_timeout or DEFAULT_TIMEOUT
        if settings.cvr_provider != VirkDistributionClient.code:
            return CvrApiDkClient(
                settings.cvr_cvrapi_url,
                timeout,
                user_agent=settings._get_cvr_user_agent(),
                token=settings.cvr_cvrapi_token,
            )
        if not (settings.cvr_virk_username and settings.cvr_virk_password):
            raise UserError(
                self.env._(
                    "No user name and password are set for the CVR distribution "
                    "(virk.dk). Ask your administrator to enter them in "
                    "Settings > General Settings > CVR Register."
                )
            )
        return VirkDistributionClient(
            settings.cvr_virk_url,
            timeout,
            username=settings.cvr_virk_username,
            password=settings.cvr_virk_password,
        )

    @api.model
    def _cvr_setting(self, key):
        """A database-wide number of Settings > General Settings > CVR
        Register (``tracelink_cvr.<key>``); 0 when unset or unreadable."""
        value = self.env["ir.config_parameter"].sudo().get_param(f"tracelink_cvr.{key}")
        try:
            return max(0, int(value or 0))
        except ValueError:
            _logger.warning("tracelink_cvr.%s is not a number: %r", key, value)
            return 0

    @api.model
    def _cvr_call(self, company, key, call, term, use_cache=True):
        """Answer ``key`` from the cache or with ``call(provider)``, then cache it."""
        self.env["res.partner"]._check_cvr_user()
        hours = self._cvr_setting("cache_hours")
        Cache = self.env["tracelink.cvr.cache"].sudo()
        with self._cvr_make_provider(company) as provider:
            code = provider.code
            question = dict(provider=code, service_url=provider.base_url, query_key=key)
            cached = Cache._lookup(question, hours) if use_cache and hours > 0 else None
            if cached is not None:
                if not cached:
                    raise self._cvr_user_error(NotFound(), term, code)
                return cached
            limit = self._cvr_setting("lookup_limit")
            Lookup = self.env["tracelink.cvr.lookup"].sudo()
            if limit and Lookup._count_last_hour(self.env.user) >= limit:
                raise UserError(
                    self.env._(
                        "You have made %s look-ups in the CVR register in the last "
                        "hour, the most allowed. Try again later, or ask your "
                        "administrator to raise the limit in Settings > General "
                        "Settings > CVR Register.",
                        limit,
                    )
                )
            try:
                companies = call(provider)
            except ServiceError as exc:
                name = type(exc).__name__
                _logger.warning(
                    "CVR look-up %s/%s failed: %s: %s", code, key, name, exc
                )
                if isinstance(exc, NotFound) and hours > 0:
                    # A failed look-up spends quota too. Kept in a transaction
                    # of its own: the UserError rolls the request's back.
                    with self.env.registry.cursor() as cr:
                        Cache.with_env(Cache.env(cr=cr))._store(question, [])
                raise self._cvr_user_error(exc, term, code, provider.timeout) from exc
        Lookup.create({"user_id": self.env.uid})
        if hours > 0:
            Cache._store(question, companies)
        return companies

    @api.model
    def _cvr_user_error(self, exc, term, code=None, timeout=None):
        """The UserError telling a person what went wrong and what to do."""
        if isinstance(exc, InvalidRequest) and exc.code == "INVALID_VAT":
            exc = InvalidCvr(exc.message)
        provider = self.env["res.partner"]._cvr_display_value("cvr_provider", code)
        return UserError(
            self._service_error_message(
                exc,
                provider,
                self.env._("Settings > General Settings > CVR Register"),
                detail=term if isinstance(exc, InvalidCvr | NotFound) else None,
                timeout=timeout,
            )
        )
