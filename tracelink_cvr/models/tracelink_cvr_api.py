import logging
from contextlib import suppress

from odoo import api, models
from odoo.exceptions import UserError

from ..tools.cvr import looks_like_cvr, normalize_cvr
from ..tools.exceptions import InvalidCvr, InvalidRequest, NotFound, ServiceError

_logger = logging.getLogger(__name__)

MAX_SEARCH_LENGTH = 100


class TracelinkCvrApi(models.AbstractModel):
    """Gateway to the CVR register: access, cache, per-user limit, and a
    ``UserError`` for every failure; nothing here writes a partner."""

    _name = "tracelink.cvr.api"
    _inherit = "tracelink.api"
    _description = "CVR Register Gateway"

    @api.model
    def _cvr_search(self, term, company=None):
        """Company dicts matching a name or a CVR number, best first."""
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
        return self._cvr_call(company, f"name:{text.casefold()}", text)

    @api.model
    def _cvr_get(self, cvr, company=None, use_cache=True):
        number = self._cvr_normalize(cvr)
        [result] = self._cvr_call(company, f"cvr:{number}", number, use_cache)
        return result

    @api.model
    def _cvr_normalize(self, cvr):
        try:
            return normalize_cvr(cvr)
        except InvalidCvr as exc:
            raise self._cvr_user_error(exc, cvr) from exc

    @api.model
    def _cvr_setting(self, key):
        """The number ``tracelink_cvr.<key>``; 0 when unset or unreadable."""
        value = self.env["ir.config_parameter"].sudo().get_param(f"tracelink_cvr.{key}")
        with suppress(ValueError):
            return max(0, int(value or 0))
        _logger.warning("tracelink_cvr.%s is not a number: %r", key, value)
        return 0

    @api.model
    def _cvr_call(self, company, key, term, use_cache=True):
        """The companies found for ``term``, from the cache under ``key``."""
        self.env["res.partner"]._check_cvr_user()
        Cache = self.env["tracelink.cvr.cache"].sudo()
        Lookup = self.env["tracelink.cvr.lookup"].sudo()
        with (company or self.env.company)._get_cvr_client() as client:
            code = client.code
            question = dict(provider=code, service_url=client.base_url, query_key=key)
            cached = Cache._lookup(question) if use_cache else None
            if cached is not None:
                if not cached:
                    raise self._cvr_user_error(NotFound(), term, code)
                return cached
            Lookup._check_limit()
            try:
                companies = client.search(term)
            except ServiceError as exc:
                name = type(exc).__name__
                _logger.warning(
                    "CVR look-up %s/%s failed: %s: %s", code, key, name, exc
                )
                if isinstance(exc, NotFound):
                    # A failed look-up spends quota too. Kept in a transaction
                    # of its own: the UserError rolls the request's back.
                    with self.env.registry.cursor() as cr:
                        Cache.with_env(Cache.env(cr=cr))._store(question, [])
                raise self._cvr_user_error(exc, term, code, client.timeout) from exc
        Lookup.create({"user_id": self.env.uid})
        Cache._store(question, companies)
        return companies

    @api.model
    def _cvr_user_error(self, exc, term, code=None, timeout=None):
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
