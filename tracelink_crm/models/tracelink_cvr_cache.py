import logging
from datetime import timedelta

import psycopg2

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

    @api.model
    def _lookup(self, provider, service_url, query_key, max_age_hours):
        """The cached company dicts for a question (an empty list: not found),
        or None when not fresh."""
        now = fields.Datetime.now()
        limit = now - timedelta(hours=max_age_hours)
        entry = self.search(
            [
                ("provider", "=", provider),
                ("service_url", "=", service_url),
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
    def _store(self, provider, service_url, query_key, companies):
        """Keep the answer to a question, replacing an older one."""
        question = {
            "provider": provider,
            "service_url": service_url,
            "query_key": query_key,
        }
        values = {
            "answer": [company_to_json(company) for company in companies],
            "fetched_at": fields.Datetime.now(),
        }
        domain = [(name, "=", value) for name, value in question.items()]
        entry = self.search(domain, limit=1)
        if not entry:
            try:
                with self.env.cr.savepoint():
                    self.create(dict(values, **question))
                return
            except psycopg2.IntegrityError:
                # Stored meanwhile by a concurrent look-up: replace it.
                entry = self.search(domain, limit=1)
        entry.write(values)

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
