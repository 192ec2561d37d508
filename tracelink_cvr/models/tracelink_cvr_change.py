from odoo import fields, models

from ..tools.cvr_client import PROVIDER_SELECTION


class TracelinkCvrChange(models.Model):
    """A change of a company in the CVR register, as the CVR watch or Refresh
    from CVR saw it."""

    _name = "tracelink.cvr.change"
    _description = "CVR Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    partner_id = fields.Many2one(
        "res.partner",
        string="Company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    what = fields.Selection(
        [
            ("status", "Status"),
            ("name", "Name"),
            ("address", "Address"),
            ("protected", "Marketing Protection"),
            ("industry", "Industry"),
        ],
        required=True,
        readonly=True,
    )
    old_value = fields.Char(string="Old", readonly=True)
    new_value = fields.Char(string="New", readonly=True)
    seen_by = fields.Selection(
        [("watch", "CVR watch"), ("refresh", "Refresh from CVR")],
        required=True,
        readonly=True,
        help="The scheduled CVR watch, or a user's Refresh from CVR (the user "
        "is the one who created the row).",
    )
    provider = fields.Selection(PROVIDER_SELECTION, string="CVR Source", readonly=True)
