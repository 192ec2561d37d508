from functools import partial

from lxml import etree

from odoo import fields
from odoo.tests import tagged

from odoo.addons.tracelink_crm import uninstall_hook, upgrade
from odoo.addons.tracelink_crm.models.crm_lead import INDEXES

from .common import TracelinkCrmCommon


@tagged("post_install", "-at_install")
class TestCrmLeadPerformance(TracelinkCrmCommon):
    """Reading the case list stays as cheap as Odoo's own opportunity list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create(
            [{"name": f"Kunde {i}", "is_company": True} for i in range(20)]
        )
        cls.cases = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Sag {i}",
                    "type": "opportunity",
                    "partner_id": partners[i % 20].id,
                    "expected_revenue": 1000 * i,
                    "probability": 10 + i % 50,
                    "follow_up_date": f"2026-0{1 + i % 9}-1{i % 10}",
                    "date_deadline": f"2026-0{1 + i % 9}-2{i % 9}",
                    "stage_id": (cls.stage_new, cls.stage_offer, cls.stage_won)[
                        i % 3
                    ].id,
                    "user_id": cls.user_salesman.id,
                }
                for i in range(80)
            ]
        )
        cls.list_view = cls.env.ref("crm.crm_case_tree_view_oppor")
        cls.our_list_view = cls.env.ref("tracelink_crm.crm_case_tree_view_oppor")

    def _list_spec(self):
        Lead = self.env["crm.lead"]
        views = Lead.get_views([(self.list_view.id, "list")])
        arch_fields = views["models"]["crm.lead"]["fields"]
        arch = etree.fromstring(views["views"]["list"]["arch"])
        names = {
            node.get("name")
            for node in arch.iter("field")
            if node.getparent().tag == "list"
        }
        spec = {}
        for name in names:
            field = arch_fields.get(name, {})
            spec[name] = (
                {"fields": {"display_name": {}}}
                if field.get("type") == "many2one"
                else {}
            )
        return spec

    def _count_list_read(self, spec):
        Lead = self.env["crm.lead"]
        # A first read warms the registry caches; the second is counted.
        Lead.web_search_read([("id", "in", self.cases.ids)], spec, limit=80)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        Lead.web_search_read([("id", "in", self.cases.ids)], spec, limit=80)
        return self.cr.sql_log_count - before

    def test_list_read_query_count(self):
        ours_spec = self._list_spec()
        self.assertIn("is_overdue", ours_spec)
        self.assertIn("follow_up_date", ours_spec)
        self.assertIn("prorated_revenue", ours_spec)
        ours = self._count_list_read(ours_spec)
        self.our_list_view.active = False
        try:
            odoo_spec = self._list_spec()
            self.assertNotIn("is_overdue", odoo_spec)
            odoo = self._count_list_read(odoo_spec)
        finally:
            self.our_list_view.active = True
        self.assertLessEqual(
            ours,
            odoo + 2,
            f"case list reads {ours} queries, Odoo's own list {odoo}",
        )

    def _lead_query(self, call, marker):
        """``call()``'s result and the SQL it sent to read crm_lead with
        ``marker`` in it, from a cold cache."""
        self.env.invalidate_all()
        with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            result = call()
        query = next(
            line.split("query: ", 1)[1]
            for line in logs.output
            if 'FROM "crm_lead"' in line and marker in line
        )
        return result, query

    def _plan(self, query, allowed):
        """PostgreSQL's plan of ``query`` with only the ``allowed`` scan left."""
        cr = self.env.cr
        cr.execute("SAVEPOINT tracelink_plan")
        try:
            for scan in {"seqscan", "bitmapscan", "indexscan", "indexonlyscan"} - {
                allowed
            }:
                cr.execute(f"SET LOCAL enable_{scan} = off")
            cr.execute("EXPLAIN " + query)
            return "\n".join(row[0] for row in cr.fetchall())
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT tracelink_plan")

    def test_list_page_reads_the_list_index_in_order(self):
        """The list's first page in its default order is read from an index in
        that order: no sort of every visible case."""
        for user in (self.user_salesman, self.user_manager):
            with self.subTest(user=user.login):
                Lead = self.env["crm.lead"].with_user(user)
                page, query = self._lead_query(
                    partial(
                        Lead.web_search_read,
                        [("type", "=", "opportunity")],
                        {"name": {}},
                        limit=80,
                    ),
                    "LIMIT 80",
                )
                self.assertEqual(len(page["records"]), 80)
                plan = self._plan(query, "indexscan")
                self.assertIn("Index Scan using crm_lead_tracelink_list_index", plan)
                self.assertNotIn("Sort", plan)

    def test_won_lost_figures_read_the_closed_index(self):
        """The Won/Lost figures of an interval read the cases closed in it
        from the closed cases' index, not every case."""
        self.cases.filtered(lambda case: case.stage_id == self.stage_new)[
            :5
        ].action_set_lost()
        Dialog = self.env["tracelink.crm.winloss.wizard"].with_user(self.user_salesman)
        today = fields.Date.context_today(Dialog)
        dialog = Dialog.new({"period": "custom", "date_from": today, "date_to": today})
        domain = dialog._closed_domain("date_closed")
        figures, query = self._lead_query(
            lambda: Dialog._read_figures(domain), "GROUP BY"
        )
        self.assertEqual(figures["lost_count"], 5)
        self.env.cr.execute("ANALYZE crm_lead")
        plan = self._plan(query, "bitmapscan")
        self.assertIn("crm_lead_tracelink_closed_index", plan)

    def _crm_lead_indexes(self):
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'crm_lead'"
        )
        return dict(self.env.cr.fetchall())

    def test_indexes_of_ours_for_the_scoring_to_write(self):
        """Odoo's daily scoring rewrites every open case, and its entry in
        each index holding it: the addon adds the list index and one of the
        closed cases only, and an upgrade drops the pipeline's and the
        follow-up date's of 18.0.3.0.0."""
        indexes = self._crm_lead_indexes()
        self.assertEqual(
            {name for name in indexes if "tracelink" in name}, set(INDEXES)
        )
        self.assertIn(
            "WHERE (date_closed IS NOT NULL)",
            indexes["crm_lead_tracelink_closed_index"],
        )
        self.assertFalse(
            [name for name, definition in indexes.items() if "follow_up" in definition]
        )
        self.env.cr.execute(
            "CREATE INDEX crm_lead_tracelink_pipeline_index ON crm_lead "
            "(status_id, expected_revenue); "
            "CREATE INDEX crm_lead__follow_up_date_index ON crm_lead "
            "(follow_up_date) WHERE follow_up_date IS NOT NULL"
        )
        upgrade.drop_old_indexes(self.env.cr)
        self.assertEqual(set(self._crm_lead_indexes()), set(indexes))

    def test_uninstall_drops_the_indexes(self):
        """crm_lead stays when the addon is uninstalled, its indexes do not."""

        def indexes():
            self.env.cr.execute(
                "SELECT indexname FROM pg_indexes "
                "WHERE tablename = 'crm_lead' AND indexname IN %s",
                [tuple(INDEXES)],
            )
            return {row[0] for row in self.env.cr.fetchall()}

        self.assertEqual(indexes(), set(INDEXES))
        uninstall_hook(self.env)
        self.assertEqual(indexes(), set())
        self.env["crm.lead"].init()  # as an upgrade would
        self.assertEqual(indexes(), set(INDEXES))


class TestCrmLeadScoringQueries(TracelinkCrmCommon):
    """The scoring cron's probability update costs the same number of queries
    however many typed, won and lost cases there are."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "crm.pls_start_date", "2000-01-01"
        )

    def _create_cases(self, count):
        """``count`` cases of each kind: open, typed, won and lost."""
        opened = self.env["crm.lead"].browse()
        typed = self.env["crm.lead"].browse()
        won = self.env["crm.lead"].browse()
        lost = self.env["crm.lead"].browse()
        for _ in range(count):
            opened |= self._create_case()
            typed |= self._create_case(probability=42)
            won |= self._create_case()
            lost |= self._create_case()
        won.stage_id = self.stage_won
        lost.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.assertFalse(any(typed.mapped("is_automated_probability")))
        return opened, typed, won, lost

    def _count_update_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.env["crm.lead"]._update_automated_probabilities()
        return self.cr.sql_log_count - before

    def _set_automated(self, cases, value):
        self.env.cr.execute(
            "UPDATE crm_lead SET automated_probability = %s WHERE id IN %s",
            [value, tuple(cases.ids)],
        )
        self.env.invalidate_all()

    def _assert_scored(self, opened, typed, won, lost):
        """Open cases get the automated probability; typed, won and lost
        cases keep theirs."""
        self.env.invalidate_all()
        automated = opened[0].automated_probability
        self.assertEqual(set(opened.mapped("probability")), {automated})
        self.assertEqual(set(opened.mapped("automated_probability")), {automated})
        # a typed probability stays; its automated one is brought up to date
        self.assertEqual(set(typed.mapped("probability")), {42})
        self.assertEqual(set(typed.mapped("automated_probability")), {automated})
        self.assertEqual(set(won.mapped("probability")), {100})
        self.assertEqual(set(won.mapped("automated_probability")), {100})
        self.assertEqual(set(lost.mapped("probability")), {0})
        self.assertEqual(set(lost.mapped("automated_probability")), {0})

    def test_update_query_count_does_not_grow_with_cases(self):
        opened, typed, won, lost = self._create_cases(2)
        self._count_update_queries()  # warms the caches
        # the automated probability of the typed cases is stale
        self._set_automated(typed, 7)
        few = self._count_update_queries()
        self._assert_scored(opened, typed, won, lost)
        more = self._create_cases(10)
        opened |= more[0]
        typed |= more[1]
        won |= more[2]
        lost |= more[3]
        self._set_automated(typed, 7)
        many = self._count_update_queries()
        self.assertEqual(few, many, "queries per case in the scoring update")
        self._assert_scored(opened, typed, won, lost)

    def test_update_rewrites_no_closed_case(self):
        """The scoring update rewrites open cases only: the rows of the
        closed cases, the only ones in the closed cases' index, stay."""
        opened, typed, won, lost = self._create_cases(2)
        cases = opened | typed | won | lost
        self._set_automated(opened | typed, 7)
        self.env.flush_all()

        def rows():
            self.env.cr.execute(
                "SELECT id, ctid::text FROM crm_lead WHERE id IN %s",
                [tuple(cases.ids)],
            )
            return dict(self.env.cr.fetchall())

        before = rows()
        self.env["crm.lead"]._update_automated_probabilities()
        self.env.flush_all()
        after = rows()
        rewritten = cases.browse(i for i in before if before[i] != after[i])
        self.assertEqual(rewritten, opened | typed)
        self.assertFalse(rewritten.filtered("date_closed"))
        self.assertTrue(all((won | lost).mapped("date_closed")))
