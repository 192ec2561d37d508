from unittest.mock import patch

from odoo.tests import HttpCase, tagged, users

from odoo.addons.tracelink_cvr.models import tracelink_cvr_watch
from odoo.addons.tracelink_cvr.tests.common import CvrStandIns

from .common_order import TracelinkOrderCommon


class TracelinkCvrWatchCaseCommon(CvrStandIns, TracelinkOrderCommon):
    """The order fixtures with the CVR stand-ins; the customer is the
    stand-ins' Eksempel Maskinfabrik ApS, read from the register before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_cvr_stand_ins()
        cls.customer.write(
            {
                "company_registry": "13585628",
                "cvr_lookup_date": "2026-01-01",
                "cvr_status": "active",
            }
        )
        cls.other_customer.write({"company_registry": "22756214"})

    def _go_bankrupt(self):
        """The register says the customer is under bankruptcy; the watch runs."""
        self.fake_api.change(
            "13585628", creditbankrupt=True, creditstatus="Under konkurs"
        )
        # every watched company of the database in one call (demo data too)
        self.env["ir.config_parameter"].set_param("tracelink_cvr.watch_budget", "1000")
        with patch.object(tracelink_cvr_watch, "CVRAPI_CHUNK", 1000):
            self.env["tracelink.cvr.watch"]._cron_watch()


@tagged("post_install", "-at_install")
class TestCvrWatchCase(TracelinkCvrWatchCaseCommon):
    def _watched(self):
        return self.env["res.partner"].search([("cvr_watched", "=", True)])

    def test_open_cases_and_open_orders_are_watched(self):
        self.assertNotIn(self.customer, self._watched())
        # a case of one of its contacts: the company is watched
        case = self._create_case(partner_id=self.customer_contact.id)
        self.assertIn(self.customer, self._watched())
        case.stage_id = self.stage_lost
        self.assertNotIn(self.customer, self._watched())
        # a closed case is not watched; its confirmed order not yet invoiced is
        won = self._create_won_case(partner_id=self.other_customer.id)
        self.assertNotIn(self.other_customer, self._watched())
        won.action_convert_to_order()
        self.assertIn(self.other_customer, self._watched())
        self.assertEqual(
            self.env["res.partner"]
            .with_user(self.user_salesman)
            .search([("cvr_watched", "=", True), ("id", "=", self.other_customer.id)]),
            self.other_customer,
        )

    def test_bankruptcy_gives_each_open_case_salesperson_an_activity(self):
        open_case = self._create_case(name="Åben sag")
        other_open = self._create_case(
            name="Anden sag", user_id=self.user_salesman_all.id
        )
        won = self._create_won_case(user_id=self.user_manager.id)
        self._go_bankrupt()
        self.assertEqual(self.customer.cvr_status, "bankruptcy")
        for case, user in (
            (open_case, self.user_salesman),
            (other_open, self.user_salesman_all),
        ):
            with self.subTest(case=case.name):
                [activity] = case.activity_ids
                self.assertEqual(activity.user_id, user)
                self.assertIn("Under Bankruptcy", activity.summary)
                self.assertIn("was “Active”", str(activity.note))
        self.assertFalse(won.activity_ids)
        # the salesperson reads the change and sees the status on the case
        Change = self.env["tracelink.cvr.change"].with_user(self.user_salesman)
        [change] = Change.search(
            [("partner_id", "=", self.customer.id), ("what", "=", "status")]
        )
        self.assertEqual(
            (change.old_value, change.new_value), ("Active", "Under Bankruptcy")
        )
        self.assertEqual(
            open_case.with_user(self.user_salesman).cvr_customer_status, "bankruptcy"
        )
        # nothing new to tell: no second activity
        self.env["tracelink.cvr.watch"]._cron_watch()
        self.assertEqual(len(open_case.activity_ids), 1)

    @users("tl_salesman")
    def test_convert_asks_for_confirmation_naming_the_status(self):
        self.customer.sudo().cvr_status = "bankruptcy"
        case = self._create_won_case().with_env(self.env)
        action = case.action_convert_to_order()
        self.assertEqual(action["res_model"], "tracelink.crm.convert.status.wizard")
        self.assertFalse(self._orders_of(case))
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(
            wizard.message,
            "Vejle Maskinfabrik ApS is “Under Bankruptcy” according to the CVR "
            "register. Convert the case to an order anyway?",
        )
        order = self.env["sale.order"].browse(wizard.action_convert()["res_id"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(case.sale_order_id, order)
        self.assertEqual(order.cvr_customer_status, "bankruptcy")

    @users("tl_salesman")
    def test_quotation_choice_then_the_status_question(self):
        self.customer.sudo().cvr_status = "ceased"
        case = self._create_won_case().with_env(self.env)
        chosen = self._create_quotation(case, user_id=self.env.uid)
        self._create_quotation(case, price=2000, user_id=self.env.uid)
        picker = case.action_convert_to_order()
        self.assertEqual(picker["res_model"], "tracelink.crm.convert.order.wizard")
        action = (
            self.env[picker["res_model"]]
            .with_context(**picker["context"])
            .create({"sale_order_id": chosen.id})
            .action_convert()
        )
        self.assertEqual(action["res_model"], "tracelink.crm.convert.status.wizard")
        self.assertEqual(chosen.state, "draft")
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertIn("“Ceased”", wizard.message)
        wizard.action_convert()
        self.assertEqual(chosen.state, "sale")

    def test_api_confirms_the_status_in_one_call(self):
        self.customer.cvr_status = "dissolution"
        case = self._create_won_case()
        action = case.with_user(self.user_salesman).action_convert_to_order(
            confirm_status=True
        )
        self.assertEqual(action["res_model"], "sale.order")

    def test_active_customer_converts_without_question(self):
        self.customer.cvr_status = "active"
        action = self._create_won_case().action_convert_to_order()
        self.assertEqual(action["res_model"], "sale.order")


@tagged("post_install", "-at_install")
class TestCvrWatchCaseTour(HttpCase, TracelinkCvrWatchCaseCommon):
    def test_bankrupt_customer_banner_and_convert_confirmation(self):
        """A customer under bankruptcy (seen by the watch): the banner on its
        open case; converting its won case asks first, naming the status."""
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        open_case = self._create_case(name="Tour open case", user_id=admin.id)
        won = self._create_won_case(name="Tour won case", user_id=admin.id)
        self._go_bankrupt()
        self.start_tour(
            f"/odoo/crm/{open_case.id}",
            "tracelink_crm_cvr_watch_case_tour",
            login="admin",
        )
        self.start_tour(
            f"/odoo/crm/{won.id}", "tracelink_crm_cvr_watch_convert_tour", login="admin"
        )
        self.assertEqual(won.sale_order_id.state, "sale")
