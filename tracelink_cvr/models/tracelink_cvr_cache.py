import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# A company the register does not know is not asked for again for this long.
NOT_FOUND_CACHE_HOURS = 1


def unlink_untaken(records):
    """Unlink those of ``records`` no other transaction has taken: a clean-up
    run twice at once (two cron workers or servers) skips the rows the other
    is deleting, and neither run fails on the other."""
    if not records:
        return records
    cr = records.env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE SKIP LOCKED",
                    SQL.identifier(records._table),
                    tuple(records.ids),
                ),
                log_exceptions=False,
            )
            ids = [row[0] for row in cr.fetchall()]
    except psycopg2.errors.SerializationFailure:
        _logger.info("%s: removed meanwhile by another run", records._name)
        return records.browse()
    taken = records.browse(ids)
    taken.unlink()
    return taken


class TracelinkCvrCache(models.Model):
    """Answers of the CVR register, so that repeated look-ups spend no quota:
    per provider, address and question (``cvr:<number>``, ``name:<term>``),
    for ``tracelink_cvr.cache_hours`` (0: never kept); the gateway's only."""

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
    def _lookup(self, question):
        """The fresh company dicts of ``question`` ([]: unknown), or None."""
        max_age = self.env["tracelink.cvr.api"]._cvr_setting("cache_hours")
        entry = self.search([(name, "=", value) for name, value in question.items()])
        if not entry.answer:
            max_age = min(max_age, NOT_FOUND_CACHE_HOURS)
        fresh_since = fields.Datetime.now() - timedelta(hours=max_age)
        if max_age and entry and entry.fetched_at > fresh_since:
            return entry.answer or []
        return None

    @api.model
    def _store(self, question, companies):
        """Keep the answer, replacing an older one (not a concurrent one)."""
        if not self.env["tracelink.cvr.api"]._cvr_setting("cache_hours"):
            return
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
        hours = max(1, self.env["tracelink.cvr.api"]._cvr_setting("cache_hours"))
        limit = fields.Datetime.now() - timedelta(hours=hours)
        expired = unlink_untaken(self.search([("fetched_at", "<", limit)]))
        _logger.info("Removed %d expired CVR register answers", len(expired))
