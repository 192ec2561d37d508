import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from .tracelink_cvr_api import NOT_FOUND_CACHE_HOURS

_logger = logging.getLogger(__name__)


class TracelinkCvrCache(models.Model):
    """Answers of the CVR register, kept so that repeated look-ups spend no
    quota: one row per provider, address and question (``cvr:<number>`` or
    ``name:<term>``), read and written by the gateway as superuser."""

    _name = "tracelink.cvr.cache"
    _description = "CVR Register Answer Cache"
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
    def _lookup(self, question, max_age_hours):
        """The cached company dicts of ``question`` (its field values; empty:
        unknown company, fresh for ``NOT_FOUND_CACHE_HOURS`` only), or None
        when there is no fresh one."""
        entry = self.search([(name, "=", value) for name, value in question.items()])
        hours = max_age_hours if entry.answer else NOT_FOUND_CACHE_HOURS
        fresh_since = fields.Datetime.now() - timedelta(hours=min(max_age_hours, hours))
        if entry and entry.fetched_at > fresh_since:
            return entry.answer or []
        return None

    @api.model
    def _store(self, question, companies):
        """Keep the answer to ``question``, replacing an older one; one that
        a concurrent look-up stored meanwhile is left as it is."""
        values = {"answer": companies, "fetched_at": fields.Datetime.now()}
        entry = self.search([(name, "=", value) for name, value in question.items()])
        if entry:
            entry.write(values)
            return
        try:
            with self.env.cr.savepoint():
                self.create({**question, **values})
        except psycopg2.IntegrityError:
            _logger.info("CVR answer to %s stored by a concurrent look-up", question)

    @api.autovacuum
    def _gc_expired(self):
        """Delete the answers no company would use any more."""
        hours = max(1, self.env["tracelink.cvr.api"]._cvr_setting("cache_hours"))
        limit = fields.Datetime.now() - timedelta(hours=hours)
        expired = self.search([("fetched_at", "<", limit)])
        _logger.info("Removing %d expired CVR register answers", len(expired))
        expired.unlink()
