import time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from ..models.tracelink_economic_connection import INVOICE_SYNC_LOCK
from .common import APP_TOKEN, GRANT_TOKEN, TracelinkEconomicInvoiceCommon
from .stand_ins.fake_economic import FakeEconomic

APP_TOKEN_B = "app-secret-b-61ad0c3f95e2"
GRANT_TOKEN_B = "grant-secret-b-2e8b7d1a4c06"


class TestEconomicInvoiceSettings(TracelinkEconomicInvoiceCommon):
    def test_read_layouts_offers_the_agreements(self):
        self.connection.with_user(self.user_admin).action_read_layouts()
        layouts = self.env["tracelink.economic.layout"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            sorted(layouts.mapped("number")), [19, 21], "both layouts of the agreement"
        )
        self.assertIn("Faktura med logo", layouts.mapped("display_name")[1])

    def test_invoices_need_a_layout(self):
        with self.assertRaises(UserError):
            self.connection.invoice_layout_id = False

    def test_layout_of_another_company_is_refused(self):
        company_b = self.env["res.company"].create({"name": "Layout B ApS"})
        layout_b = self.env["tracelink.economic.layout"].create(
            {"name": "Faktura B", "number": 19, "company_id": company_b.id}
        )
        with self.assertRaises(UserError):
            self.connection.invoice_layout_id = layout_b

    def test_connection_form_shows_invoice_settings(self):
        form = Form(self.connection.with_user(self.user_admin))
        form.invoice_trigger = "confirm"
        form.invoice_booking = "book"
        form.invoice_product_mode = "create"
        form.invoice_product_group = 2
        form.save()
        self.assertEqual(self.connection.invoice_trigger, "confirm")


class TestEconomicInvoiceDraft(TracelinkEconomicInvoiceCommon):
    def test_draft_made_by_accountant(self):
        order = self.make_order()
        action = self.send(order)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(order.economic_invoice_state, "draft")
        [draft] = self.fake.drafts.values()
        self.assertEqual(order.economic_draft_number, draft["draftInvoiceNumber"])
        # the customer went to e-conomic first and is linked
        number = self.customer.economic_customer_number
        self.assertTrue(number)
        self.assertEqual(draft["customer"], {"customerNumber": number})
        self.assertEqual(draft["references"], {"other": order.name})
        self.assertEqual(draft["layout"], {"layoutNumber": 19})
        self.assertEqual(draft["currency"], order.currency_id.name)
        self.assertEqual(draft["recipient"]["name"], "Eksempel Maskinfabrik ApS")
        self.assertEqual(draft["recipient"]["zip"], "7100")
        self.assertEqual(draft["recipient"]["vatZone"], {"vatZoneNumber": 1})
        self.assertEqual(draft["notes"], {"heading": "PO-4711"})
        lines = draft["lines"]
        self.assertEqual([line["lineNumber"] for line in lines], [1, 2, 3, 4])
        self.assertEqual(
            lines[0], {"lineNumber": 1, "sortKey": 1, "description": "Rammer"}
        )
        self.assertEqual(lines[1]["product"], {"productNumber": "RAMME-40"})
        self.assertEqual(lines[1]["quantity"], 3)
        self.assertEqual(lines[1]["unitNetPrice"], 1200.0)
        self.assertEqual(lines[1]["discountPercentage"], 10.0)
        self.assertEqual(lines[1]["unit"], {"unitNumber": 4})
        self.assertEqual(lines[2]["description"], "Leveres på paller")
        self.assertNotIn("product", lines[2])
        # 0.125 has 3 decimals: one unit at the line's amount, the default
        # product for a product without internal reference
        self.assertEqual(lines[3]["product"], {"productNumber": "1"})
        self.assertEqual((lines[3]["quantity"], lines[3]["unitNetPrice"]), (1, 125.0))
        self.assertIn("1000 x 0.125", lines[3]["description"])
        self.assertEqual(draft["netAmount"], order.amount_untaxed)
        [post] = self.requests_to("POST", "/invoices/drafts")
        self.assertTrue(post.headers["Idempotency-Key"].startswith("tracelink-"))
        self.assertIn("Invoice draft", "".join(order.message_ids.mapped("body")))

    def test_salesperson_sees_but_cannot_send(self):
        order = self.make_order()
        order.user_id = self.user_salesman
        with self.assertRaises(AccessError):
            self.send(order, self.user_salesman)
        self.assertFalse(self.fake.drafts)
        self.assertFalse(order.with_user(self.user_salesman).economic_invoice_state)

    def test_sales_manager_sends(self):
        order = self.make_order()
        self.send(order, self.user_sale_manager)
        self.assertEqual(order.economic_invoice_state, "draft")

    def test_quotation_refused(self):
        order = self.make_order(confirm=False)
        with self.assertRaises(UserError):
            self.send(order)

    def test_refusal_named_and_nothing_half_made(self):
        del self.fake.layouts[19]
        order = self.make_order()
        action = self.send(order)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertFalse(order.economic_invoice_state)
        self.assertFalse(order.economic_draft_number)
        self.assertFalse(self.fake.drafts)
        self.assertIn("layout: Layout not found.", order.economic_invoice_error)
        self.assertIn("Layout not found", "".join(order.message_ids.mapped("body")))
        # Send to e-conomic tries again once the layout is back
        self.fake.layouts[19] = "Standard faktura"
        self.send(order)
        self.assertEqual(order.economic_invoice_state, "draft")
        self.assertFalse(order.economic_invoice_error)

    def test_wrong_tokens_are_not_shown(self):
        self.fake.app_secret_token = "another-token"
        order = self.make_order()
        self.send(order)
        self.assertFalse(order.economic_invoice_state)
        self.assertIn("e-conomic", order.economic_invoice_error)
        self.assertNotIn(APP_TOKEN, order.economic_invoice_error)
        self.assertNotIn(GRANT_TOKEN, order.economic_invoice_error)

    def test_rate_limit_noted(self):
        self.customer.economic_customer_number = self.fake.add_customer("X")[
            "customerNumber"
        ]
        order = self.make_order()
        self.fake.fail_next(429, times=20, retry_after=0)
        self.send(order)
        self.assertFalse(order.economic_invoice_state)
        self.assertTrue(order.economic_invoice_error)
        self.assertFalse(self.fake.drafts)

    def test_missing_product_without_default_refused(self):
        self.connection.invoice_default_product = False
        order = self.make_order()
        self.send(order)
        self.assertIn("Bolt M6", order.economic_invoice_error)
        self.assertFalse(self.fake.drafts)

    def test_missing_product_created(self):
        self.connection.write(
            {"invoice_product_mode": "create", "invoice_product_group": 2}
        )
        del self.fake.products["RAMME-40"]
        order = self.make_order()
        self.send(order)
        self.assertEqual(order.economic_invoice_state, "draft")
        product = self.fake.products["RAMME-40"]
        self.assertEqual(product["productGroup"], {"productGroupNumber": 2})
        self.assertEqual(product["name"], "Svejset ramme")

    def test_public_customer_gets_ean(self):
        self.customer.economic_ean = "5790000123452"
        order = self.make_order()
        self.send(order)
        [draft] = self.fake.drafts.values()
        self.assertEqual(draft["recipient"]["ean"], "5790000123452")
        self.assertEqual(draft["recipient"]["nemHandelType"], "ean")

    def test_ean_checked(self):
        with self.assertRaises(UserError):
            self.customer.economic_ean = "5790000123451"

    def test_sent_again_with_the_same_key_makes_no_second_draft(self):
        """A draft whose answer was lost with a rolled-back transaction: the
        same order's key replays e-conomic's stored answer."""
        order = self.make_order()
        self.send(order)
        number = order.economic_draft_number
        order.write({"economic_invoice_state": False, "economic_draft_number": 0})
        self.send(order)
        self.assertEqual(order.economic_draft_number, number)
        self.assertEqual(len(self.fake.drafts), 1)

    def test_timeout_looks_up_the_draft_before_sending_again(self):
        self.customer.economic_customer_number = self.fake.add_customer("X")[
            "customerNumber"
        ]
        # e-conomic stores the draft, then answers too late for Odoo (tests
        # wait at least 10 s); the late answer is waited out at cleanup
        self.fake.timeout_after_create = True
        self.fake.create_delay = 11
        until = time.monotonic() + 12
        self.addCleanup(lambda: time.sleep(max(0.0, until - time.monotonic())))
        order = self.make_order()
        self.send(order)
        self.assertEqual(order.economic_invoice_state, "draft")
        self.assertEqual(len(self.fake.drafts), 1)
        self.assertEqual(self.fake.count("POST", "/invoices/drafts"), 1)
        self.assertEqual(self.fake.count("GET", "/invoices/drafts"), 1)

    def test_already_sent_refused(self):
        order = self.make_order()
        self.send(order)
        with self.assertRaises(UserError):
            self.send(order)

    def test_draft_on_confirmation(self):
        self.connection.invoice_trigger = "confirm"
        order = self.make_order(confirm=False)
        order.with_user(self.stock_aware(self.user_sale_manager)).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.economic_invoice_state, "draft")

    def test_confirmation_kept_when_e_conomic_refuses(self):
        self.connection.invoice_trigger = "confirm"
        self.fake.fail_next(500, times=10)
        order = self.make_order(confirm=False)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.economic_invoice_state)
        self.assertTrue(order.economic_invoice_error)

    def test_draft_when_fully_delivered(self):
        self.connection.invoice_trigger = "delivered"
        order = self.make_order()
        self.Connection._cron_sync_invoices()
        self.assertFalse(order.economic_invoice_state, "not delivered yet")
        for line in order.order_line.filtered(lambda line: not line.display_type):
            line.qty_delivered = line.product_uom_qty
        self.Connection._cron_sync_invoices()
        self.assertEqual(order.economic_invoice_state, "draft")


class TestEconomicInvoiceCancel(TracelinkEconomicInvoiceCommon):
    def test_cancel_deletes_the_draft(self):
        order = self.make_order()
        self.send(order)
        order.with_user(self.user_sale_manager)._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.economic_invoice_state)
        self.assertFalse(self.fake.drafts)

    def test_cancel_refused_when_the_draft_cannot_be_deleted(self):
        order = self.make_order()
        self.send(order)
        self.fake.fail_next(500, times=5)
        with self.assertRaisesRegex(UserError, "e-conomic"):
            order.with_user(self.user_sale_manager)._action_cancel()
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(self.fake.drafts), 1)

    def test_cancel_of_a_booked_invoice_asks_for_a_credit_note(self):
        self.connection.invoice_booking = "book"
        order = self.make_order()
        self.send(order)
        with self.assertRaisesRegex(UserError, "credit note"):
            order.with_user(self.user_sale_manager)._action_cancel()
        self.assertEqual(order.state, "sale")


class TestEconomicInvoiceChange(TracelinkEconomicInvoiceCommon):
    def test_changed_order_replaces_its_draft(self):
        order = self.make_order()
        self.send(order)
        number = order.economic_draft_number
        line = order.order_line.filtered(lambda line: line.product_id == self.frame)
        order.with_user(self.stock_aware(self.user_sale_manager)).write(
            {"order_line": [(1, line.id, {"product_uom_qty": 5})]}
        )
        [put] = self.requests_to("PUT", f"/invoices/drafts/{number}")
        self.assertEqual(put.json["lines"][1]["quantity"], 5)
        self.assertEqual(self.fake.drafts[number]["lines"][1]["quantity"], 5)
        self.assertEqual(list(self.fake.drafts), [number])

    def test_change_refused_when_e_conomic_refuses(self):
        order = self.make_order()
        self.send(order)
        del self.fake.products["RAMME-40"]
        self.connection.invoice_default_product = False
        line = order.order_line.filtered(lambda line: line.product_id == self.frame)
        with self.assertRaises(UserError):
            order.write({"order_line": [(1, line.id, {"product_uom_qty": 5})]})

    def test_booked_order_is_not_replaced(self):
        self.connection.invoice_booking = "book"
        order = self.make_order()
        self.send(order)
        order.client_order_ref = "PO-4712"
        self.assertFalse(self.requests_to("PUT", "/invoices/drafts/1"))


class TestEconomicInvoiceState(TracelinkEconomicInvoiceCommon):
    def sync(self):
        """Every page of the invoice state, as ir.cron calls the job."""
        calls = 0
        while True:
            calls += 1
            _read, left = self.connection._sync_invoice_page()
            if not left:
                return calls

    def test_booked_at_once(self):
        self.connection.invoice_booking = "book"
        order = self.make_order()
        self.send(order)
        self.assertEqual(order.economic_invoice_state, "booked")
        [invoice] = self.fake.booked.values()
        self.assertEqual(order.economic_invoice_number, invoice["bookedInvoiceNumber"])
        self.assertEqual(order.economic_remainder, invoice["remainder"])
        self.assertTrue(order.economic_due_date)
        self.assertFalse(self.fake.drafts)
        [post] = self.requests_to("POST", "/invoices/booked")
        self.assertEqual(post.json["sendBy"], "none")

    def test_booking_refused_leaves_the_draft(self):
        self.connection.invoice_booking = "book_ean"
        order = self.make_order()
        self.send(order)
        self.assertEqual(order.economic_invoice_state, "draft")
        self.assertIn("booking it failed", order.economic_invoice_error)
        self.assertEqual(len(self.fake.drafts), 1)

    def test_refresh_finds_what_the_bookkeeper_booked(self):
        order = self.make_order()
        self.send(order)
        self.fake.book_draft(order.economic_draft_number)
        order.with_user(self.user_sale_manager).action_economic_refresh()
        self.assertEqual(order.economic_invoice_state, "booked")
        self.assertEqual(order.economic_draft_number, 0)
        self.fake.pay(order.economic_invoice_number, 100.0)
        # a salesperson reads the state of their own order again
        order.user_id = self.user_salesman
        order.with_user(self.user_salesman).action_economic_refresh()
        self.assertEqual(order.economic_invoice_state, "partial")

    def test_sync_reads_booked_then_unpaid(self):
        orders = [self.make_order() for _ in range(4)]
        for order in orders:
            self.send(order)
            self.fake.book_draft(order.economic_draft_number)
        self.assertEqual(self.sync(), 1)
        self.assertEqual([o.economic_invoice_state for o in orders], ["booked"] * 4)
        numbers = [o.economic_invoice_number for o in orders]
        self.fake.pay(numbers[0])
        self.fake.pay(numbers[1], 10.0)
        self.fake.booked[numbers[2]]["dueDate"] = "2020-01-31"
        self.server.clear_log()
        self.sync()
        self.assertEqual(
            [o.economic_invoice_state for o in orders],
            ["paid", "partial", "overdue", "booked"],
        )
        self.assertEqual(orders[0].economic_remainder, 0.0)
        # one page of new bookings, one of the unpaid invoices
        self.assertEqual(len(self.requests_to("GET", "/invoices/booked")), 1)
        self.assertEqual(len(self.requests_to("GET", "/invoices/unpaid")), 1)

    def test_sync_cron_reports_progress(self):
        order = self.make_order()
        self.send(order)
        self.fake.book_draft(order.economic_draft_number)
        self.Connection._cron_sync_invoices()
        self.assertEqual(order.economic_invoice_state, "booked")
        self.assertTrue(self.connection.invoice_sync_last)
        self.assertEqual(
            self.connection.invoice_last_booked, order.economic_invoice_number
        )


class TestEconomicInvoiceCompanies(TracelinkEconomicInvoiceCommon):
    """Each company's orders go to its own agreement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server_b = FakeEconomic(APP_TOKEN_B, GRANT_TOKEN_B).start_server()
        cls.addClassCleanup(cls.server_b.stop)
        cls.company_b = cls.env["res.company"].create({"name": "Søsterselskab ApS"})
        layout_b = cls.env["tracelink.economic.layout"].create(
            {"name": "Faktura B", "number": 21, "company_id": cls.company_b.id}
        )
        cls.connection_b = cls.Connection.create(
            {
                **cls.connection_vals(
                    cls.server_b, cls.company_b, app=APP_TOKEN_B, grant=GRANT_TOKEN_B
                ),
                "invoice_enabled": True,
                "invoice_layout_id": layout_b.id,
                "invoice_default_product": "1",
            }
        )
        cls.user_sale_manager.company_ids |= cls.company_b

    def setUp(self):
        super().setUp()
        self.server_b.clear()
        self.fake_b = FakeEconomic(APP_TOKEN_B, GRANT_TOKEN_B)
        self.fake_b.add_product("1", "Diverse")
        self.fake_b.add_product("RAMME-40", "Svejset ramme")
        self.fake_b.install(self.server_b)

    def test_order_goes_to_its_company_agreement(self):
        order_b = self.make_order(company_id=self.company_b.id)
        order_a = self.make_order()
        manager = self.user_sale_manager
        order_b.with_user(manager).with_company(self.company_b).action_economic_send()
        order_a.with_user(manager).action_economic_send()
        [draft_b] = self.fake_b.drafts.values()
        [draft_a] = self.fake.drafts.values()
        self.assertEqual(draft_b["references"], {"other": order_b.name})
        self.assertEqual(draft_b["layout"], {"layoutNumber": 21})
        self.assertEqual(draft_a["references"], {"other": order_a.name})
        # the shared customer has a number in each agreement
        self.assertTrue(
            self.customer.with_company(self.company_b).economic_customer_number
        )

    def test_company_without_invoices_refused(self):
        self.connection_b.invoice_enabled = False
        order_b = self.make_order(company_id=self.company_b.id)
        with self.assertRaisesRegex(UserError, "not turned on"):
            order_b.with_user(self.user_sale_manager).with_company(
                self.company_b
            ).action_economic_send()
        self.assertFalse(self.fake_b.drafts)


class TestEconomicInvoiceSyncLock(TracelinkEconomicInvoiceCommon):
    def test_second_run_at_once_leaves_the_work_to_the_first(self):
        order = self.make_order()
        self.send(order)
        self.fake.book_draft(order.economic_draft_number)
        with self.registry.cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (INVOICE_SYNC_LOCK, self.company.id),
            )
            self.Connection._cron_sync_invoices()
            self.assertFalse(self.requests_to("GET", "/invoices/booked"))
            self.assertEqual(order.economic_invoice_state, "draft")
        self.Connection._cron_sync_invoices()
        self.assertEqual(order.economic_invoice_state, "booked")
