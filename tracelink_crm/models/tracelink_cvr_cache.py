import logging
from datetime import timedelta

from odoo import api, fields, models

from ..tools.cvr_client import company_from_json, company_to_json
from .tracelink_cvr_api import NOT_FOUND_CACHE_HOURS

_logger = logging.getLogger(__name__)


class TracelinkCvrCache(models.Model):
    """Answers of the CVR register, kept for a while so that repeated
    look-ups spend no quota.

    One row per provider and question (``cvr:<number>`` or
    ``name:<limit>:<term>``); the answer is the list of company dicts the
    provider returned, empty when the register knows no such company (kept
    for ``NOT_FOUND_CACHE_HOURS`` only). Only the gateway
    (``tracelink.cvr.api``) reads and
    writes it, as superuser; how long an answer stays fresh is a company
    setting (``res.company.cvr_cache_hours``).
    """

    _name = "tracelink.cvr.cache"
    _description = "CVR Register Answer Cache"
    _order = "fetched_at desc, id desc"
    _log_access = False

    provider = fields.Char(required=True)
    query_key = fields.Char(required=True, index=True)
    answer = fields.Json(help="Company dicts; empty: the register knows none.")
    fetched_at = fields.Datetime(required=True, default=fields.Datetime.now)

    @api.model
    def _lookup(self, provider, query_key, max_age_hours):
        """The cached company dicts for a question (an empty list: not found),
        or None when not fresh."""
        now = fields.Datetime.now()
        limit = now - timedelta(hours=max_age_hours)
        entry = self.search(
            [
                ("provider", "=", provider),
                ("query_key", "=", query_key),
                ("fetched_at", ">", limit),
            ],
            limit=1,
        )
        if not entry:
            return None
        if not entry.answer:
            fresh = entry.fetched_at > now - timedelta(
                hours=min(max_age_hours, NOT_FOUND_CACHE_HOURS)
            )
            return [] if fresh else None
        return [company_from_json(company) for company in entry.answer]

    @api.model
    def _store(self, provider, query_key, companies):
        """Keep the answer to a question, replacing an older one."""
        values = {
            "answer": [company_to_json(company) for company in companies],
            "fetched_at": fields.Datetime.now(),
        }
        entries = self.search(
            [("provider", "=", provider), ("query_key", "=", query_key)]
        )
        if entries:
            entries[0].write(values)
            entries[1:].unlink()
        else:
            self.create(dict(values, provider=provider, query_key=query_key))

    @api.autovacuum
    def _gc_expired(self):
        """Delete the answers no company would use any more."""
        hours = max(
            self.env["res.company"].sudo().search([]).mapped("cvr_cache_hours") or [0]
        )
        limit = fields.Datetime.now() - timedelta(hours=max(hours, 1))
        expired = self.search([("fetched_at", "<", limit)])
        _logger.info("Removing %d expired CVR register answers", len(expired))
        expired.unlink()
