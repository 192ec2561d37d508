from odoo.tests import HttpCase, tagged

from odoo.addons.tracelink_economic.tests.common import (
    TracelinkEconomicInvoiceCommon,
)


@tagged("post_install", "-at_install")
class TestCrmLeadInvoiceTour(HttpCase, TracelinkEconomicInvoiceCommon):
    def test_won_case_to_paid_invoice(self):
        """A sales manager converts a won case, sends the order to e-conomic
        (booked at once) and sees it booked on the order and the case; after
        the bookkeeper's payment in e-conomic, the case shows it paid."""
        self.company.write(
            {
                "tracelink_order_product_id": self.frame.id,
                "tracelink_order_auto_send": False,
            }
        )
        self.connection.invoice_booking = "book"
        manager = self.user_sale_manager
        manager.tour_enabled = False
        case = (
            self.env["crm.lead"]
            .with_user(manager)
            .create(
                {
                    "name": "Rammer til pakkelinje",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 4800,
                    "user_id": manager.id,
                }
            )
        )
        case.action_set_won()
        self.start_tour(
            f"/odoo/crm/{case.id}",
            "tracelink_crm_economic_invoice_tour",
            login=manager.login,
        )
        order = case.sale_order_id
        self.assertEqual(order.economic_invoice_state, "booked")
        [invoice] = self.fake.booked.values()
        self.assertEqual(invoice["references"], {"other": order.name})

        self.fake.pay(order.economic_invoice_number)
        self.env["tracelink.economic.connection"]._cron_sync_invoices()
        self.assertEqual(case.economic_invoice_state, "paid")
        self.start_tour(
            f"/odoo/crm/{case.id}",
            "tracelink_crm_economic_paid_tour",
            login=manager.login,
        )
