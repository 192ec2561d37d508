from datetime import timedelta

from lxml import etree

from odoo import Command, fields

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
        self.assertEqual(self.case_d.status_id, self.stage_lost)

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

    def _tabs_spec(self):
        """What the web client reads for the two tabs of the case form: the
        counts and the first 40 rows with the fields of each tab's list."""
        views = self.env["crm.lead"].get_views([(False, "form")])
        models = views["models"]
        arch = etree.fromstring(views["views"]["form"]["arch"])
        spec = {"same_customer_lead_count": {}, "customer_order_count": {}}
        for name in ("same_customer_lead_ids", "customer_order_ids"):
            node = arch.find(f".//field[@name='{name}']")
            comodel = models["crm.lead"]["fields"][name]["relation"]
            sub_fields = models[comodel]["fields"]
            spec[name] = {
                "fields": {
                    sub.get("name"): (
                        {"fields": {"display_name": {}}}
                        if sub_fields[sub.get("name")]["type"] == "many2one"
                        else {}
                    )
                    for sub in node.find("list").iter("field")
                },
                "limit": 40,
            }
        return spec

    def _count_tab_queries(self, case, spec):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        values = case.web_read(spec)[0]
        return self.cr.sql_log_count - before, values

    def test_tabs_query_count_does_not_grow_with_history(self):
        case = self.case_a.with_user(self.user_salesman_all)
        spec = self._tabs_spec()
        self._count_tab_queries(case, spec)  # warms the caches
        few, values = self._count_tab_queries(case, spec)
        self.assertEqual(values["same_customer_lead_count"], 3)
        self.assertEqual(values["customer_order_count"], 2)
        # 60 more cases and orders of the company and its contact
        self.env["crm.lead"].create(
            [
                {
                    "name": f"Sag {i}",
                    "type": "opportunity",
                    "partner_id": (self.customer, self.customer_contact)[i % 2].id,
                    "stage_id": (self.stage_new, self.stage_won)[i % 2].id,
                    "user_id": self.user_salesman.id,
                }
                for i in range(60)
            ]
        )
        # dated before the customer's own orders, so that the first page of
        # the Orders tab still shows those: an addon that adds a column
        # computed per shown order (the manufacturing glue's production
        # state) costs the same queries for the same kind of orders
        self.env["sale.order"].create(
            [
                {
                    "partner_id": (self.customer, self.customer_contact)[i % 2].id,
                    "date_order": fields.Datetime.now() - timedelta(days=1),
                }
                for i in range(60)
            ]
        )
        many, values = self._count_tab_queries(case, spec)
        self.assertEqual(values["same_customer_lead_count"], 63)
        self.assertEqual(values["customer_order_count"], 62)
        self.assertEqual(len(values["same_customer_lead_ids"]), 63)
        self.assertEqual(
            few, many, "queries per case or order when the case form opens"
        )

    def test_form_looks_for_similar_leads_only_for_lead_users(self):
        """The Same Customer tab is the case's list of the customer's other
        cases; Odoo's Similar Leads button (a search of its own when the form
        opens) is there only for those who use leads, on leads."""
        form = self.env.ref("crm.crm_lead_view_form")

        def form_fields(user):
            """The fields the web client reads when the form opens."""
            views = self.env["crm.lead"].with_user(user).get_views([(form.id, "form")])
            arch = etree.fromstring(views["views"]["form"]["arch"])
            return {node.get("name") for node in arch.iter("field")}

        self.assertNotIn("duplicate_lead_count", form_fields(self.user_salesman))
        self.assertIn("same_customer_lead_ids", form_fields(self.user_salesman))
        self.user_salesman.groups_id += self.env.ref("crm.group_use_lead")
        self.assertIn("duplicate_lead_count", form_fields(self.user_salesman))
