from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # Per company (res.company); labels, help and access groups come from there.
    cvr_provider = fields.Selection(
        related="company_id.cvr_provider", readonly=False, required=True
    )
    cvr_cvrapi_url = fields.Char(related="company_id.cvr_cvrapi_url", readonly=False)
    cvr_cvrapi_user_agent = fields.Char(
        related="company_id.cvr_cvrapi_user_agent", readonly=False
    )
    cvr_cvrapi_token = fields.Char(
        related="company_id.cvr_cvrapi_token", readonly=False
    )
    cvr_virk_url = fields.Char(related="company_id.cvr_virk_url", readonly=False)
    cvr_virk_username = fields.Char(
        related="company_id.cvr_virk_username", readonly=False
    )
    cvr_virk_password = fields.Char(
        related="company_id.cvr_virk_password", readonly=False
    )
    cvr_timeout = fields.Integer(related="company_id.cvr_timeout", readonly=False)
    # For the whole database (the first values come with the addon's data:
    # Odoo stores 0 by removing the parameter, so a field default would turn
    # "0: never" back into the default).
    cvr_cache_hours = fields.Integer(
        string="CVR Cache (hours)",
        config_parameter="tracelink_cvr.cache_hours",
        help="How long an answer of the CVR register is reused before it is "
        "asked again (0: never reused).",
    )
    cvr_lookup_limit = fields.Integer(
        string="CVR Look-ups per User and Hour",
        config_parameter="tracelink_cvr.lookup_limit",
        help="How many calls to the CVR register one user may cause in an hour "
        "(answers from the cache do not count; 0: no limit).",
    )

    cvr_watch_budget = fields.Integer(
        string="CVR Watch Look-ups per Day",
        config_parameter="tracelink_cvr.watch_budget",
        help="How many look-ups the scheduled CVR watch may make on cvrapi.dk "
        "in a day, apart from the users' look-ups (0: none). The CVR "
        "distribution needs no budget: it is asked for the changes only.",
    )

    @api.constrains("cvr_cache_hours", "cvr_lookup_limit", "cvr_watch_budget")
    def _check_cvr_numbers(self):
        messages = {
            "cvr_watch_budget": self.env._(
                "The CVR watch's daily look-ups cannot be negative."
            ),
            "cvr_cache_hours": self.env._("The CVR cache time cannot be negative."),
            "cvr_lookup_limit": self.env._("The CVR look-up limit cannot be negative."),
        }
        for name, message in messages.items():
            if any(settings[name] < 0 for settings in self):
                raise ValidationError(message)
