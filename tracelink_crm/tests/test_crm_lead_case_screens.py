from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmLeadCaseScreens(TracelinkOrderCommon):
    """What the case list, the case form and the New CVR customer dialog do
    for a salesperson."""

    def test_cases_without_dates_come_last_in_both_directions(self):
        today = date.today()
        cases = {
            "early": self._create_case(
                name="Tidlig",
                follow_up_date=today,
                date_deadline=today,
            ),
            "late": self._create_case(
                name="Sen",
                follow_up_date=today + timedelta(days=9),
                date_deadline=today + timedelta(days=9),
            ),
            "none": self._create_case(name="Uden dato"),
        }
        ids = [case.id for case in cases.values()]
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        for field in ("follow_up_date", "date_deadline"):
            for direction, first in (("asc", "early"), ("desc", "late")):
                found = Lead.search([("id", "in", ids)], order=f"{field} {direction}")
                self.assertEqual(found[0], cases[first], f"{field} {direction}")
                self.assertEqual(found[-1], cases["none"], f"{field} {direction}")

    def test_converted_case_stays_won_until_its_order_is_cancelled(self):
        case = self._create_won_case()
        case.action_convert_to_order()
        order = case.sale_order_id
        as_salesman = case.with_user(self.user_salesman)
        for stage in (self.stage_new, self.stage_lost):
            with self.assertRaisesRegex(UserError, f"converted to order {order.name}"):
                as_salesman.stage_id = stage
            self.assertEqual(case.stage_kind, "won")
        # nor lost through Odoo's Lost dialog
        with self.assertRaisesRegex(UserError, f"converted to order {order.name}"):
            as_salesman.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertTrue(case.active)
        self.assertEqual(case.converted_order_id, order)
        order.with_user(self.user_salesman)._action_cancel()
        as_salesman.stage_id = self.stage_new
        self.assertEqual(case.stage_kind, "open")

    def test_won_case_without_order_can_be_reopened(self):
        case = self._create_won_case(name="Uden ordre")
        case.with_user(self.user_salesman).stage_id = self.stage_offer
        self.assertEqual(case.stage_kind, "open")

    def test_empty_cvr_search_says_what_to_type(self):
        wizard_model = self.env["tracelink.cvr.customer.wizard"].with_user(
            self.user_salesman
        )
        form = Form(wizard_model)
        form.search_term = "   "
        wizard = form.save()  # the dialog does not stop at "Invalid fields"
        with self.assertRaisesRegex(UserError, "Type a company name or a CVR number"):
            wizard.action_search()
        self.assertEqual(wizard.state, "search")
        self.assertFalse(wizard.line_ids)


@tagged("post_install", "-at_install")
class TestCrmLeadCaseScreensTour(HttpCase, TracelinkOrderCommon):
    def test_case_list_and_form_tour(self):
        """Red clock at the end of an overdue row, no row buttons in the case
        list, and tabs titled with their counts (shown only when not empty)."""
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        yesterday = date.today() - timedelta(days=1)
        self._create_case(
            name="Tour overdue case", follow_up_date=yesterday, user_id=admin.id
        )
        self._create_case(name="Tour open sibling", user_id=admin.id)
        won = self._create_won_case(name="Tour won case", user_id=admin.id)
        won.action_convert_to_order()
        self._create_case(
            name="Tour lonely case",
            partner_id=self.other_customer.id,
            user_id=admin.id,
        )
        self.start_tour("/odoo", "tracelink_crm_case_screens_tour", login="admin")

    def test_status_pie_tour(self):
        """The status pie counts cases, colours Won and Lost, and a click on a
        status opens the case list filtered on it, with a removable facet."""
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        self._create_case(name="Pie open case", user_id=admin.id)
        self._create_won_case(name="Pie won case", user_id=admin.id)
        self._create_case(name="Pie lost case", user_id=admin.id).action_set_lost(
            lost_reason_id=self.lost_reason.id
        )
        self.start_tour(
            "/odoo/action-tracelink_crm.tracelink_crm_case_report_action_status",
            "tracelink_crm_status_pie_tour",
            login="admin",
        )

    def test_case_kanban_lost_column_tour(self):
        """Dropping a case on the kanban's Lost column loses it through Odoo's
        lost-reason dialog, dragging it out restores it; a converted case's
        form offers no status bar or Lost button and names its order."""
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        case = self._create_case(name="Kanban sag", user_id=admin.id)
        converted = self._create_won_case(name="Kanban konverteret", user_id=admin.id)
        converted.action_convert_to_order()
        self.start_tour(
            "/odoo/action-tracelink_crm.crm_lead_action_case?view_type=kanban",
            "tracelink_crm_case_kanban_lost_tour",
            login="admin",
        )
        self.assertRecordValues(
            case,
            [
                {
                    "active": True,
                    "stage_id": self.stage_offer.id,
                    "status_id": self.stage_offer.id,
                    "lost_reason_id": False,
                }
            ],
        )
        lost_messages = case.message_ids.filtered(
            lambda message: message.subtype_id == self.env.ref("crm.mt_lead_lost")
        )
        self.assertTrue(lost_messages, "lost through the dialog, then restored")


@tagged("post_install", "-at_install")
class TestCrmCaseReportDanish(TracelinkOrderCommon):
    """The Won/Lost chart as Danes read it: interval in the title, weeks
    counted from Monday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("da_DK")
        cls.won = cls._create_won_case(name="Vundet i uge 49")
        cls.won.date_closed = "2026-12-02 10:00:00"

    def _wizard(self, lang):
        wizard = self.env["tracelink.crm.winloss.wizard"].with_context(lang=lang)
        return wizard.create(
            {
                "period": "custom",
                "date_from": date(2026, 10, 1),
                "date_to": date(2026, 12, 6),
                "interval": "week",
            }
        )

    def test_chart_title_names_the_interval(self):
        action = self._wizard("en_US").action_show_chart()
        self.assertEqual(action["name"], "Won/Lost Oct 1 – Dec 6, 2026")
        self.assertEqual(action["target"], "main")  # no trail back to the dialog
        action = self._wizard("da_DK").action_show_chart()
        self.assertEqual(action["name"], "Vundet/Tabt 1. okt. – 6. dec. 2026")
        self.assertEqual(action["context"]["graph_groupbys"][0], "date_closed:week")

    def test_weeks_are_labelled_as_danes_read_them(self):
        """A week named in the user's language and counted as there: for a
        Dane the week of Sunday 6 December 2026 began on Monday (Uge 49), for
        an American it begins that Sunday (Week 50)."""
        self.won.date_closed = "2026-12-06 10:00:00"
        Report = self.env["tracelink.crm.case.report"].with_user(self.user_salesman)
        domain = [("lead_id", "=", self.won.id)]
        for lang, label in (("en_US", "Week 50 2026"), ("da_DK", "Uge 49 2026")):
            [group] = Report.with_context(lang=lang).read_group(
                domain, ["expected_revenue:sum"], ["date_closed:week"]
            )
            self.assertEqual(group["date_closed:week"], label)
