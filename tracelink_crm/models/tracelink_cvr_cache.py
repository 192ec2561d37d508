import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from ..tools.cvr_client import company_from_json, company_to_json
from .tracelink_cvr_api import NOT_FOUND_CACHE_HOURS

_logger = logging.getLogger(__name__)


class TracelinkCvrCache(models.Model):
    """Answers of the CVR register, kept so that repeated look-ups spend no
    quota: one row per provider, address and question (``cvr:<number>`` or
    ``name:<limit>:<term>``), read and written by the gateway as superuser."""

    _name = "tracelink.cvr.cache"
    _description = "CVR Register Answer Cache"
    _order = "fetched_at desc, id desc"
    _log_access = False

    provider = fields.Char(required=True)
    service_url = fields.Char(
        string="Service Address", help="The address the answer came from."
    )
    query_key = fields.Char(required=True, index=True)
    answer = fields.Json(help="Company dicts; empty: the register knows none.")
    fetched_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "question_uniq",
            "unique(provider, service_url, query_key)",
            "One cached answer per provider, address and question.",
        ),
    ]

    def _find(self, provider, service_url, query_key):
        domain = [
            ("provider", "=", provider),
            ("service_url", "=", service_url),
            ("query_key", "=", query_key),
        ]
        return self.search(domain, limit=1)

    @api.model
    def _lookup(self, provider, service_url, query_key, max_age_hours):
        """The cached company dicts (empty: unknown company, fresh for
        ``NOT_FOUND_CACHE_HOURS`` only), or None when there is no fresh one."""
        entry = self._find(provider, service_url, query_key)
        if not entry:
            return None
        hours = max_age_hours if entry.answer else NOT_FOUND_CACHE_HOURS
        fresh_since = fields.Datetime.now() - timedelta(hours=min(max_age_hours, hours))
        if entry.fetched_at <= fresh_since:
            return None
        return [company_from_json(company) for company in entry.answer or []]

    @api.model
    def _store(self, provider, service_url, query_key, companies):
        """Keep the answer to a question, replacing an older one."""
        values = {
            "answer": [company_to_json(company) for company in companies],
            "fetched_at": fields.Datetime.now(),
        }
        entry = self._find(provider, service_url, query_key)
        if not entry:
            question = {
                "provider": provider,
                "service_url": service_url,
                "query_key": query_key,
            }
            try:
                with self.env.cr.savepoint():
                    self.create({**question, **values})
                return
            except psycopg2.IntegrityError:
                # Stored meanwhile by a concurrent look-up: replace it.
                entry = self._find(provider, service_url, query_key)
        entry.write(values)

    @api.autovacuum
    def _gc_expired(self):
        """Delete the answers no company would use any more."""
        companies = self.env["res.company"].sudo().search([])
        hours = max(companies.mapped("cvr_cache_hours") or [0])
        limit = fields.Datetime.now() - timedelta(hours=max(hours, 1))
        expired = self.search([("fetched_at", "<", limit)])
        _logger.info("Removing %d expired CVR register answers", len(expired))
        expired.unlink()
