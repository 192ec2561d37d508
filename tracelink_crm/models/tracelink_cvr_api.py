import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.cvr import looks_like_cvr, normalize_cvr
from ..tools.cvr_client import CvrApiDkClient, VirkDistributionClient, make_provider
from ..tools.exceptions import InvalidCvr, InvalidRequest, NotFound, ServiceError

_logger = logging.getLogger(__name__)

# The CVR providers a company can choose (codes of tools.cvr_client.PROVIDERS).
CVR_PROVIDER_SELECTION = [
    (CvrApiDkClient.code, "cvrapi.dk"),
    (VirkDistributionClient.code, "CVR distribution (virk.dk)"),
]
# Where a company stands in the register (tools.cvr_client.REGISTER_STATES).
CVR_STATE_SELECTION = [
    ("active", "Active"),
    ("reconstruction", "Under Reconstruction"),
    ("bankruptcy", "Under Bankruptcy"),
    ("dissolution", "Under Compulsory Dissolution"),
    ("no_legal_effect", "Without Legal Effect"),
    ("ceased", "Ceased"),
]
DEFAULT_CACHE_HOURS = 24
MAX_SEARCH_LENGTH = 100
DEFAULT_LOOKUP_LIMIT = 30
# A company the register does not know is not asked for again for this long.
NOT_FOUND_CACHE_HOURS = 1
DEFAULT_TIMEOUT = 10


class TracelinkCvrApi(models.AbstractModel):
    """Gateway between Odoo and the CVR register clients of ``tools/``.

    Reads the company's settings, builds the configured provider, serves
    answers from the cache (``tracelink.cvr.cache``) while they are fresh and
    turns every failure of the register into a ``UserError`` with one clear,
    translated message per kind. Nothing here writes a partner.
    """

    _name = "tracelink.cvr.api"
    _inherit = "tracelink.api"
    _description = "CVR Register Gateway"

    # -- look-ups ------------------------------------------------------------

    @api.model
    def _cvr_search(self, term, limit=10, company=None):
        """Companies of the register matching a name or a CVR number.

        :param term: a company name, or a CVR number typed by a user (with or
            without ``DK``, spaces or dashes: checked before any call).
        :return: a non-empty list of company dicts (``tools.cvr_client``
            ``COMPANY_KEYS``), best match first.
        :raise UserError: invalid number, nothing found, or the register failed.
        """
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
        key = f"name:{limit}:{text.casefold()}"
        return self._cvr_call(
            company, key, lambda provider: provider.search(text, limit=limit), text
        )

    @api.model
    def _cvr_get(self, cvr, company=None, use_cache=True):
        """One company by its CVR number (validated first).

        :param use_cache: False reads the register even when a fresh answer is
            cached (the new answer replaces it).
        :return: a company dict.
        :raise UserError: invalid number, unknown company, or the register failed.
        """
        company = company or self.env.company
        number = self._cvr_normalize(cvr)
        [result] = self._cvr_call(
            company,
            f"cvr:{number}",
            lambda provider: [provider.get(number)],
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

    # -- mapping -------------------------------------------------------------

    @api.model
    def _prepare_partner_vals_from_cvr(self, company_dict):
        """Values of a company partner (``res.partner``) from a company dict.

        The one mapping from the register to the partner: Refresh from CVR
        writes (and lists as changes) the keys in this order. Empty texts of
        the register become False; the VAT number is ``DK<cvr>`` and the CVR
        number goes to ``company_registry``.
        """

        def text(key):
            return (company_dict.get(key) or "").strip() or False

        cvr = text("cvr")
        return {
            "name": text("name"),
            "is_company": True,
            "street": text("street"),
            "street2": text("street2"),
            "zip": text("zip"),
            "city": text("city"),
            "country_id": self.env.ref("base.dk").id,
            "phone": text("phone"),
            "email": text("email"),
            "vat": f"DK{cvr}" if cvr else False,
            "company_registry": cvr,
            "cvr_industry_code": text("industry_code"),
            "cvr_industry_text": text("industry_text"),
            "cvr_legal_form": text("legal_form"),
            "cvr_status": company_dict.get("state") or "active",
            "cvr_protected": bool(company_dict.get("protected")),
            "cvr_provider": company_dict.get("provider") or False,
            "cvr_lookup_date": fields.Datetime.now(),
        }

    # -- provider and cache ------------------------------------------------

    @api.model
    def _cvr_provider_label(self, code):
        selection = dict(
            self.env["res.company"]
            ._fields["cvr_provider"]
            ._description_selection(self.env)
        )
        return selection.get(code, code)

    @api.model
    def _cvr_make_provider(self, company):
        """The configured provider of ``company``, ready to use (close it)."""
        settings = company.sudo()
        code = settings.cvr_provider or CvrApiDkClient.code
        options_method = getattr(self, f"_cvr_provider_options_{code}", None)
        if options_method is None:
            raise UserError(
                self.env._(
                    "The CVR provider “%s” is not supported. Choose another one "
                    "in Settings > CRM > CVR Register.",
                    code,
                )
            )
        return make_provider(
            code,
            timeout=settings.cvr_timeout or DEFAULT_TIMEOUT,
            **options_method(settings),
        )

    @api.model
    def _cvr_provider_options_cvrapi(self, settings):
        return {
            "base_url": settings.cvr_cvrapi_url or None,
            "user_agent": settings._get_cvr_user_agent(),
            "token": settings.cvr_cvrapi_token or None,
        }

    @api.model
    def _cvr_provider_options_virk(self, settings):
        if not (settings.cvr_virk_username and settings.cvr_virk_password):
            raise UserError(
                self.env._(
                    "No user name and password are set for the CVR distribution "
                    "(virk.dk). Ask your administrator to enter them in "
                    "Settings > CRM > CVR Register."
                )
            )
        return {
            "base_url": settings.cvr_virk_url or None,
            "username": settings.cvr_virk_username,
            "password": settings.cvr_virk_password,
        }

    @api.model
    def _cvr_call(self, company, key, call, term, use_cache=True):
        """Answer ``key`` from the cache or with ``call(provider)``, then cache it."""
        settings = company.sudo()
        code = settings.cvr_provider or CvrApiDkClient.code
        hours = settings.cvr_cache_hours
        Cache = self.env["tracelink.cvr.cache"].sudo()
        with self._cvr_make_provider(company) as provider:
            url = provider.base_url
            if use_cache and hours > 0:
                cached = Cache._lookup(code, url, key, hours)
                if cached is not None:
                    _logger.debug("CVR look-up %s/%s served from the cache", code, key)
                    if not cached:
                        raise self._cvr_user_error(NotFound(), term, code)
                    return cached
            self._cvr_check_lookup_limit(settings)
            try:
                companies = call(provider)
            except (ServiceError, InvalidCvr) as exc:
                _logger.warning(
                    "CVR look-up %s/%s failed: %s: %s",
                    code,
                    key,
                    type(exc).__name__,
                    exc,
                )
                if isinstance(exc, NotFound) and hours > 0:
                    self._cvr_remember_not_found(code, url, key)
                raise self._cvr_user_error(exc, term, code, provider.timeout) from exc
        self.env["tracelink.cvr.lookup"].sudo().create({"user_id": self.env.uid})
        if hours > 0:
            Cache._store(code, url, key, companies)
        return companies

    @api.model
    def _cvr_check_lookup_limit(self, settings):
        """Refuse a call to the register beyond the user's hourly limit."""
        limit = settings.cvr_lookup_limit
        Lookup = self.env["tracelink.cvr.lookup"].sudo()
        if limit and Lookup._count_last_hour(self.env.user) >= limit:
            raise UserError(
                self.env._(
                    "You have made %s look-ups in the CVR register in the last "
                    "hour, the most allowed. Try again later, or ask your "
                    "administrator to raise the limit in Settings > CRM > CVR "
                    "Register.",
                    limit,
                )
            )

    @api.model
    def _cvr_remember_not_found(self, code, url, key):
        """Cache "unknown company" for a while (a failed look-up spends quota
        too), in a transaction of its own: the UserError that follows rolls
        the request's transaction back."""
        with self.env.registry.cursor() as cr:
            self.env(cr=cr)["tracelink.cvr.cache"].sudo()._store(code, url, key, [])

    # -- errors --------------------------------------------------------------

    @api.model
    def _cvr_user_error(self, exc, term, code=None, timeout=None):
        """The UserError telling a person what went wrong and what to do."""
        provider = self._cvr_provider_label(
            code or self.env.company.sudo().cvr_provider or CvrApiDkClient.code
        )
        if isinstance(exc, InvalidRequest) and exc.code == "INVALID_VAT":
            exc = InvalidCvr(exc.message)
        return self._service_user_error(
            exc,
            provider,
            self.env._("Settings > CRM > CVR Register"),
            detail=term if isinstance(exc, InvalidCvr | NotFound) else None,
            timeout=timeout or DEFAULT_TIMEOUT,
        )
