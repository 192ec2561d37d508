from odoo import Command

from .common import TracelinkCrmCommon


class TestCrmLeadTabs(TracelinkCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a = cls._create_case(name="A")
        cls.case_b = cls._create_case(name="B", partner_id=cls.customer_contact.id)
        cls.case_c = cls._create_case(name="C")
        cls.case_c.stage_id = cls.stage_won
        cls.case_d = cls._create_case(name="D")
        cls.case_d.action_set_lost()
        cls.case_other = cls._create_case(
            name="Other", partner_id=cls.other_customer.id
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Produktion efter tegning", "list_price": 100}
        )
        cls.order_open = cls._create_order(cls.customer, cls.case_c)
        cls.order_locked = cls._create_order(cls.customer_contact)
        cls.order_locked.action_confirm()
        cls.order_locked.action_lock()
        cls.order_other = cls._create_order(cls.other_customer)

    @classmethod
    def _create_order(cls, partner, case=None):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "opportunity_id": case.id if case else False,
                "production_start_date": "2026-07-01",
                "commitment_date": "2026-08-01 12:00:00",
                "order_line": [Command.create({"product_id": cls.product.id})],
            }
        )

    def test_same_customer_tab(self):
        self.assertEqual(
            self.case_a.same_customer_lead_ids,
            self.case_b | self.case_c | self.case_d,
            "other cases of the same company, contacts included, lost included",
        )
        self.assertEqual(self.case_a.same_customer_lead_count, 3)
        self.assertEqual(self.case_b.same_customer_lead_count, 3)
        self.assertEqual(self.case_other.same_customer_lead_count, 0)
        closed = self.case_a.same_customer_lead_ids.filtered("is_closed")
        self.assertEqual(closed, self.case_c | self.case_d)
        self.assertEqual(self.case_d.stage_id, self.stage_lost)

    def test_archived_cases_still_listed(self):
        self.case_d.action_archive()
        self.case_a.invalidate_recordset(["same_customer_lead_ids"])
        self.assertIn(self.case_d, self.case_a.same_customer_lead_ids)

    def test_orders_tab(self):
        self.assertEqual(
            self.case_a.customer_order_ids, self.order_open | self.order_locked
        )
        self.assertEqual(self.case_a.customer_order_count, 2)
        self.assertEqual(self.case_other.customer_order_ids, self.order_other)
        self.assertTrue(self.order_locked.is_closed)
        self.assertFalse(self.order_open.is_closed)
        self.assertEqual(str(self.order_open.production_start_date), "2026-07-01")

    def test_tab_counts_batch(self):
        cases = self.case_a | self.case_b | self.case_other
        counts = {
            c.name: (c.same_customer_lead_count, c.customer_order_count) for c in cases
        }
        self.assertEqual(counts, {"A": (3, 2), "B": (3, 2), "Other": (0, 1)})

    def test_tab_actions(self):
        action = self.case_a.action_open_same_customer_leads()
        self.assertEqual(
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search(action["domain"]),
            self.case_b | self.case_c | self.case_d,
        )
        action = self.case_a.action_open_customer_orders()
        self.assertEqual(
            self.env["sale.order"].search(action["domain"]),
            self.order_open | self.order_locked,
        )
