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
