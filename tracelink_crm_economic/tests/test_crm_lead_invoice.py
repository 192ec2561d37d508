from odoo.tests import tagged

from odoo.addons.tracelink_economic.tests.common import (
    TracelinkEconomicInvoiceCommon,
)


@tagged("post_install", "-at_install")
class TestCrmLeadInvoice(TracelinkEconomicInvoiceCommon):
    """A won case, its order sent to e-conomic, booked and paid there: what
    the salesperson sees on the case, in the list and in the statistics."""

    def setUp(self):
        super().setUp()
        self.order = self.make_order(user_id=self.user_salesman.id)
        self.case = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            .create(
                {
                    "name": "Rammer til pakkelinje",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 5000,
                    "user_id": self.user_salesman.id,
                }
            )
        )
        self.case.action_set_won()
        self.case.sudo().sale_order_id = self.order

    def not_paid(self):
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        view = self.env.ref("tracelink_crm_economic.view_crm_case_opportunities_filter")
        self.assertIn('name="economic_not_paid"', view.arch_db)
        return Lead.search(
            [
                ("stage_kind", "=", "won"),
                (
                    "sale_order_id.economic_invoice_state",
                    "in",
                    ("booked", "partial", "overdue"),
                ),
            ]
        )

    def paid_value(self):
        Report = self.env["tracelink.crm.case.report"].with_user(self.user_salesman)
        [(paid,)] = Report._read_group(
            [("partner_id", "=", self.customer.id)], aggregates=["paid_value:sum"]
        )
        return paid

    def test_case_follows_its_order_to_paid(self):
        case = self.case.with_user(self.user_salesman)
        self.assertFalse(case.economic_invoice_state)
        self.send(self.order)
        self.assertEqual(case.economic_invoice_state, "draft")
        self.assertNotIn(case, self.not_paid(), "a draft is not invoiced yet")

        self.fake.book_draft(self.order.economic_draft_number)
        self.order.with_user(self.user_salesman).action_economic_refresh()
        case.invalidate_recordset()
        self.assertEqual(case.economic_invoice_state, "booked")
        self.assertIn(case, self.not_paid())
        self.assertEqual(self.paid_value(), 0.0)

        self.fake.pay(self.order.economic_invoice_number)
        self.env["tracelink.economic.connection"]._cron_sync_invoices()
        case.invalidate_recordset()
        self.assertEqual(case.economic_invoice_state, "paid")
        self.assertNotIn(case, self.not_paid())
        self.assertEqual(self.paid_value(), self.order.amount_untaxed)

    def test_orders_tab_and_list_show_the_invoice(self):
        self.send(self.order)
        case = self.case.with_user(self.user_salesman)
        self.assertIn(self.order, case.customer_order_ids)
        self.assertEqual(case.customer_order_ids.economic_invoice_state, "draft")
        form = case.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="economic_invoice_state"', form)
        list_view = self.env.ref("crm.crm_case_tree_view_oppor")
        arch = case.get_views([(list_view.id, "list")])["views"]["list"]["arch"]
        self.assertIn('name="economic_invoice_state"', arch)
