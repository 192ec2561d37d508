from odoo.tests import HttpCase, tagged

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmCaseReportChartHttp(HttpCase, TracelinkOrderCommon):
    def test_status_pie_legend_matches_slices(self):
        """Each legend item of the status pie has its slice's colour: Won
        green, Lost red."""
        self.user_salesman.tour_enabled = False
        self._create_case(name="Legend open")
        self._create_won_case(name="Legend won")
        self._create_case(
            name="Legend lost",
            stage_id=self.stage_lost.id,
            lost_reason_id=self.lost_reason.id,
        )
        self.start_tour(
            "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_status",
            "tracelink_crm_status_legend_tour",
            login=self.user_salesman.login,
        )

    def test_no_win_rate_without_closed_cases(self):
        """Customers report and customer form: "–" for a customer without won
        or lost cases, 0 for one with only lost cases."""
        self.user_salesman.tour_enabled = False
        Partner = self.env["res.partner"]
        open_customer = Partner.create(
            {"name": "Rate Open Customer", "is_company": True}
        )
        lost_customer = Partner.create(
            {"name": "Rate Lost Customer", "is_company": True}
        )
        self._create_case(name="Rate open", partner_id=open_customer.id)
        self._create_case(
            name="Rate lost",
            partner_id=lost_customer.id,
            stage_id=self.stage_lost.id,
            lost_reason_id=self.lost_reason.id,
        )
        self.start_tour(
            "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_customer",
            "tracelink_crm_win_rate_tour",
            login=self.user_salesman.login,
        )
        self.start_tour(
            f"/odoo/res.partner/{open_customer.id}",
            "tracelink_crm_partner_win_rate_tour",
            login=self.user_salesman.login,
        )

    def test_winloss_chart_shows_every_month(self):
        """This year per month: twelve months on the Won/Lost chart, the
        empty ones as 0."""
        self.user_salesman.tour_enabled = False
        self._create_won_case(name="Periods won")
        self.start_tour(
            "/odoo/action-tracelink_crm.tracelink_crm_winloss_wizard_action",
            "tracelink_crm_winloss_periods_tour",
            login=self.user_salesman.login,
        )

    def test_chart_reads_every_month_of_the_interval(self):
        """The chart's read of a year per month and status, in the context the
        dialog gives it: twelve months, the empty ones as 0 (Odoo fills them
        on the closing day, a date field)."""
        won = self._create_won_case(name="Filled won")
        won.date_closed = "2026-06-15 10:00:00"
        dialog = self.env["tracelink.crm.winloss.wizard"].create(
            {"period": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"}
        )
        context = dialog.action_show_chart()["context"]
        Report = (
            self.env["tracelink.crm.case.report"]
            .with_user(self.user_salesman)
            .with_context(tz="Europe/Copenhagen", **context)
        )
        groups = Report.read_group(
            [("lead_id", "=", won.id)],
            ["__count", "won_value:sum"],
            context["graph_groupbys"],
            lazy=False,
        )
        self.assertEqual(len(groups), 12)
        self.assertEqual([group["__count"] for group in groups].count(1), 1)
        self.assertEqual(groups[5]["date_closed:month"], "June 2026")
        self.assertEqual(groups[5]["stage_kind"], "won")
        self.assertEqual([group["won_value"] for group in groups].count(0), 11)
