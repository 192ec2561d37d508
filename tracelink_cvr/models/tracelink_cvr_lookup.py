from datetime import timedelta

from odoo import api, fields, models


class TracelinkCvrLookup(models.Model):
    """One call to the CVR register made for a user: what the per-user hourly
    limit (``tracelink_cvr.lookup_limit``) counts; the gateway's only."""

    _name = "tracelink.cvr.lookup"
    _description = "CVR Register Look-up"

    user_id = fields.Many2one("res.users", required=True, index=True)

    @api.model
    def _count_last_hour(self, user):
        since = fields.Datetime.now() - timedelta(hours=1)
        domain = [("user_id", "=", user.id), ("create_date", ">", since)]
        return self.search_count(domain)

    @api.autovacuum
    def _gc_old(self):
        since = fields.Datetime.now() - timedelta(days=1)
        self.search([("create_date", "<", since)]).unlink()
