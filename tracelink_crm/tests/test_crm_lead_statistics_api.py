from xmlrpc.client import Fault

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_crm_case_report import CaseStatisticsCommon


class TestCrmLeadStatisticsApi(CaseStatisticsCommon):
    """crm.lead.tracelink_statistics on the fixture of the case statistics."""

    def _statistics(self, user, *args, **kwargs):
        return (
            self.env["crm.lead"].with_user(user).tracelink_statistics(*args, **kwargs)
        )

    def test_figures_of_the_winloss_dialog(self):
        figures = self._statistics(self.user_manager, "2025-12-01", "2026-01-15")
        self.assertEqual(
            figures,
            {
                "date_from": "2025-12-01",
                "date_to": "2026-01-15",
                "won_count": 1,
                "lost_count": 1,
                "won_value": 1000,
                "lost_value": 500,
                "currency": self.company.currency_id.name,
                "win_rate": 50.0,
            },
        )
        dialog = (
            self.env["tracelink.crm.winloss.wizard"]
            .with_user(self.user_manager)
            .create(
                {"period": "custom", "date_from": "2025-12-01", "date_to": "2026-01-15"}
            )
        )
        self.assertEqual(
            [figures[name] for name in ("won_count", "lost_count", "won_value")],
            [dialog.won_count, dialog.lost_count, dialog.won_value],
        )
        self.assertEqual(
            (figures["lost_value"], figures["win_rate"]),
            (dialog.lost_value, dialog.win_rate),
        )

    def test_last_day_counts_whole_and_no_cases(self):
        figures = self._statistics(self.user_manager, "2026-01-20", "2026-01-20")
        self.assertEqual((figures["won_count"], figures["won_value"]), (1, 2000))
        empty = self._statistics(self.user_manager, "2024-01-01", "2024-12-31")
        self.assertEqual(
            [empty[name] for name in ("won_count", "lost_count", "win_rate")],
            [0, 0, 0.0],
        )

    def test_per_customer_company(self):
        figures = self._statistics(
            self.user_manager,
            "2025-12-01",
            "2026-02-28",
            partner_id=self.customer_contact.id,
        )
        self.assertEqual((figures["won_count"], figures["lost_count"]), (2, 1))
        self.assertEqual((figures["won_value"], figures["lost_value"]), (3000, 500))
        self.assertAlmostEqual(figures["win_rate"], 200 / 3, places=2)
        other = self._statistics(
            self.user_manager,
            "2025-12-01",
            "2026-02-28",
            partner_id=self.other_customer.id,
        )
        self.assertEqual((other["won_count"], other["lost_count"]), (0, 2))
        self.assertEqual(other["win_rate"], 0.0)

    def test_salesperson_counts_the_cases_they_see(self):
        own = self._statistics(self.user_salesman, "2025-12-01", "2026-02-28")
        self.assertEqual((own["won_count"], own["lost_count"]), (2, 1))
        self.assertEqual(own["lost_value"], 500)
        everyone = self._statistics(self.user_salesman_all, "2025-12-01", "2026-02-28")
        self.assertEqual((everyone["won_count"], everyone["lost_count"]), (2, 3))
        self.assertEqual(everyone["lost_value"], 2000)
        self.assertAlmostEqual(everyone["win_rate"], 40.0)

    def test_portal_user_refused(self):
        portal = new_test_user(
            self.env, login="tl_stat_portal", groups="base.group_portal"
        )
        with self.assertRaises(AccessError):
            self._statistics(portal, "2025-12-01", "2026-02-28")

    def test_bad_dates_refused(self):
        for date_from, date_to in (
            ("01-12-2025", "2026-02-28"),
            ("2025-12-01", "2026-02-30"),
            ("2025-12-01", False),
        ):
            with self.assertRaisesRegex(UserError, "YYYY-MM-DD"):
                self._statistics(self.user_salesman, date_from, date_to)
        with self.assertRaisesRegex(ValidationError, "start before it ends"):
            self._statistics(self.user_salesman, "2026-02-28", "2025-12-01")


@tagged("post_install", "-at_install")
class TestCrmLeadStatisticsXmlRpc(HttpCase, CaseStatisticsCommon):
    """The statistics over XML-RPC, as another system calls them."""

    def _rpc(self, user, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            user.login,
            "crm.lead",
            "tracelink_statistics",
            list(args),
        )

    def test_salesperson_over_xmlrpc(self):
        figures = self._rpc(self.user_salesman, "2025-12-01", "2026-02-28")
        self.assertEqual(
            figures,
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .tracelink_statistics("2025-12-01", "2026-02-28"),
        )
        self.assertEqual((figures["won_count"], figures["lost_count"]), (2, 1))
        per_customer = self._rpc(
            self.user_salesman, "2025-12-01", "2026-02-28", self.customer.id
        )
        self.assertEqual(per_customer["won_value"], 3000)

    def test_portal_user_over_xmlrpc_is_refused(self):
        portal = new_test_user(
            self.env, login="tl_stat_portal", groups="base.group_portal"
        )
        with self.assertRaises(Fault) as caught, mute_logger("odoo.http"):
            self._rpc(portal, "2025-12-01", "2026-02-28")
        self.assertEqual(caught.exception.faultCode, 4)  # Odoo's AccessError
