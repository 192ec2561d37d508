from babel.dates import format_skeleton
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import date_utils
from odoo.tools.misc import babel_locale_parse, get_lang

FIGURES = ("won_count", "lost_count", "won_value", "lost_value", "win_rate")
PERIODS = [
    ("this_month", "This Month"),
    ("last_month", "Last Month"),
    ("this_quarter", "This Quarter"),
    ("this_year", "This Year"),
    ("custom", "Custom"),
]
# months back and span of each period but "this_month" and "custom"
PERIOD_SPANS = {
    "last_month": (1, "month"),
    "this_quarter": (0, "quarter"),
    "this_year": (0, "year"),
}
# the interval's ends: the period's, or typed for a custom one
_PERIOD_DATE = {
    "compute": "_compute_dates",
    "store": True,
    "readonly": False,
    "precompute": True,
    "required": True,
}


class CrmWinlossWizard(models.TransientModel):
    """Pick a date interval and see won and lost cases closed in it."""

    _name = "tracelink.crm.winloss.wizard"
    _description = "Won/Lost over a Date Interval"

    period = fields.Selection(PERIODS, required=True, default="this_month")
    date_from = fields.Date(string="From", **_PERIOD_DATE)
    date_to = fields.Date(string="To", **_PERIOD_DATE)
    interval = fields.Selection(
        [("week", "Week"), ("month", "Month")],
        string="Per",
        required=True,
        default="month",
    )
    won_count = fields.Integer(string="Won", compute="_compute_figures")
    lost_count = fields.Integer(string="Lost", compute="_compute_figures")
    won_value = fields.Monetary(compute="_compute_figures")
    lost_value = fields.Monetary(compute="_compute_figures")
    win_rate = fields.Float(
        string="Win Rate (%)",
        compute="_compute_figures",
        help="Won cases out of the won and lost ones closed in the interval.",
    )
    has_closed_cases = fields.Boolean(compute="_compute_figures")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )

    @api.depends("period")
    def _compute_dates(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.period == "custom" and wizard.date_from and wizard.date_to:
                continue
            months_back, granularity = PERIOD_SPANS.get(wizard.period, (0, "month"))
            day = today - relativedelta(months=months_back)
            wizard.date_from = date_utils.start_of(day, granularity)
            wizard.date_to = date_utils.end_of(day, granularity)

    @api.depends("date_from", "date_to")
    def _compute_figures(self):
        for wizard in self:
            figures = dict.fromkeys(FIGURES, 0)
            if wizard.date_from and wizard.date_to:
                figures = self._read_figures(wizard._closed_domain("date_closed"))
            wizard.update(figures)
            wizard.has_closed_cases = bool(wizard.won_count + wizard.lost_count)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        if any(wizard.date_from > wizard.date_to for wizard in self):
            raise ValidationError(self.env._("The interval must start before it ends."))

    def _closed_domain(self, closed_at="closed_at"):
        """The won and lost cases closed in the interval, on the case
        statistics (on the cases themselves: ``closed_at="date_closed"``)."""
        self.ensure_one()
        start, end = self.env["tracelink.crm.case.report"]._day_bounds(
            self.date_from, self.date_to
        )
        return [
            ("stage_kind", "in", ("won", "lost")),
            (closed_at, ">=", start),
            (closed_at, "<", end),
        ]

    @api.model
    def _read_figures(self, domain):
        """The figures of the won and lost cases of ``domain`` (on crm.lead),
        as the dialog and crm.lead.tracelink_statistics show them: a count
        and a sum per kind of the cases the statistics count, read from the
        cases (the statistics' view costs its planning on every read)."""
        shown = ["|", ("active", "=", True), ("stage_kind", "=", "lost")]
        groups = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [*domain, ("type", "=", "opportunity"), *shown],
                ["stage_kind"],
                ["__count", "expected_revenue:sum"],
            )
        )
        figures = {kind: (count, value or 0.0) for kind, count, value in groups}
        won, won_value = figures.get("won", (0, 0.0))
        lost, lost_value = figures.get("lost", (0, 0.0))
        win_rate = 100.0 * won / (won + lost) if won + lost else 0.0
        return dict(
            zip(FIGURES, (won, lost, won_value, lost_value, win_rate), strict=True)
        )

    def action_show_chart(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_crm.tracelink_crm_case_report_action_winloss"
        )
        action["domain"] = self._closed_domain()
        # "Won/Lost 1 Oct – 30 Nov 2026" as the user's language writes dates,
        # the year once when both ends share it
        locale = babel_locale_parse(get_lang(self.env).code)
        start = "MMMd" if self.date_from.year == self.date_to.year else "yMMMd"
        action["name"] = self.env._(
            "Won/Lost %(from)s – %(to)s",
            **{
                "from": format_skeleton(start, self.date_from, locale=locale),
                "to": format_skeleton("yMMMd", self.date_to, locale=locale),
            },
        )
        # the chart replaces the dialog's trail: Reports > Won/Lost > chart
        # would lead back to a closed dialog
        action["target"] = "main"
        action["context"] = {
            # every week or month of the interval, an empty one as 0
            "fill_temporal": {
                "fill_from": fields.Date.to_string(self.date_from),
                "fill_to": fields.Date.to_string(self.date_to),
            },
            "graph_groupbys": [f"date_closed:{self.interval}", "stage_kind"],
            "pivot_row_groupby": [f"date_closed:{self.interval}"],
            "pivot_column_groupby": ["stage_kind"],
        }
        return action
