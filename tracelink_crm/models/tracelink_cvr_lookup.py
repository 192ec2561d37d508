from datetime import timedelta

from odoo import api, fields, models


class TracelinkCvrLookup(models.Model):
    """One call to the CVR register made for a user: what the per-user hourly
    limit (``res.company.cvr_lookup_limit``) counts. Written and read by the
    gateway only, as superuser."""

    _name = "tracelink.cvr.lookup"
    _description = "CVR Register Look-up"
    _order = "id desc"

    user_id = fields.Many2one("res.users", required=True, index=True)

    @api.model
    def _count_last_hour(self, user):
        since = fields.Datetime.now() - timedelta(hours=1)
        return self.search_count(
            [("user_id", "=", user.id), ("create_date", ">", since)]
        )

    @api.autovacuum
    def _gc_old(self):
        self.search(
            [("create_date", "<", fields.Datetime.now() - timedelta(days=1))]
        ).unlink()
