from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .tracelink_cvr_cache import unlink_untaken


class TracelinkCvrLookup(models.Model):
    """A call to the CVR register, counted in the user's hourly limit, or
    (``is_watch``) in the CVR watch's daily budget."""

    _name = "tracelink.cvr.lookup"
    _description = "CVR Register Look-up"

    user_id = fields.Many2one("res.users", required=True, index=True)
    date = fields.Datetime(required=True, index=True, default=fields.Datetime.now)
    is_watch = fields.Boolean(
        string="CVR Watch",
        help="Made by the scheduled CVR watch: counted in its daily budget, "
        "not in the user's hourly limit.",
    )

    @api.model
    def _check_limit(self):
        limit = self.env["tracelink.cvr.api"]._cvr_setting("lookup_limit")
        since = fields.Datetime.now() - timedelta(hours=1)
        domain = [
            ("user_id", "=", self.env.uid),
            ("is_watch", "=", False),
            ("create_date", ">", since),
        ]
        if limit and self.search_count(domain) >= limit:
            raise UserError(
                self.env._(
                    "You have made %s look-ups in the CVR register in the last "
                    "hour, the most allowed. Try again later, or ask your "
                    "administrator to raise the limit in Settings > General "
                    "Settings > CVR Register.",
                    limit,
                )
            )

    @api.autovacuum
    def _gc_old(self):
        since = fields.Datetime.now() - timedelta(days=1)
        unlink_untaken(self.search([("create_date", "<", since)]))
