from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import TracelinkCrmCommon


class CaseStatisticsCommon(TracelinkCrmCommon):
    """Statistics on a fixed data set:

    ===========  ============================================  ======
    customer     cases (value)                                 owner
    ===========  ============================================  ======
    A (Vejle)    won 2025-12-15 (1000), lost 2026-01-10 (500)  sofie
                 won 2026-01-20 (2000), open (300, 50 %)
    B (Herning)  lost 2026-02-05 (700), lost 2026-02-10 (800)  other
                 open (100, 20 %)
    C            open (900, 10 %)                              other
    ===========  ============================================  ======
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="tl_other_rep", groups="sales_team.group_sale_salesman"
        )
        cls.customer_c = cls.env["res.partner"].create(
            {"name": "Odense Plast ApS", "is_company": True}
        )
        sofie, other = cls.user_salesman, cls.other_salesman

        def case(name, partner, value, owner, probability=10):
            return cls._create_case(
                name=name,
                partner_id=partner.id,
                expected_revenue=value,
                probability=probability,
                user_id=owner.id,
            )

        cls.a_won_dec = case("A won Dec", cls.customer, 1000, sofie)
        cls.a_lost_jan = case("A lost Jan", cls.customer_contact, 500, sofie)
        cls.a_won_jan = case("A won Jan", cls.customer, 2000, sofie)
        cls.a_open = case("A open", cls.customer, 300, sofie, 50)
        cls.b_lost_feb5 = case("B lost Feb 5", cls.other_customer, 700, other)
        cls.b_lost_feb10 = case("B lost Feb 10", cls.other_customer, 800, other)
        cls.b_open = case("B open", cls.other_customer, 100, other, 20)
        cls.c_open = case("C open", cls.customer_c, 900, other)
        cls.all_cases = (
            cls.a_won_dec
            | cls.a_lost_jan
            | cls.a_won_jan
            | cls.a_open
            | cls.b_lost_feb5
            | cls.b_lost_feb10
            | cls.b_open
            | cls.c_open
        )
        cls.env.cr.execute(
            "UPDATE crm_lead SET create_date = '2025-11-15 10:00:00' WHERE id IN %s",
            [tuple(cls.all_cases.ids)],
        )
        # The Won/Lost dialog counts every case of the database: other cases
        # (demo data, other addons) are kept out of the statistics (the report
        # shows opportunities only), so that the figures are the fixture's.
        cls.env.cr.execute(
            "UPDATE crm_lead SET type = 'lead' WHERE id NOT IN %s",
            [tuple(cls.all_cases.ids)],
        )
        for record, when, kind in (
            (cls.a_won_dec, "2025-12-15 10:00:00", "won"),
            (cls.a_lost_jan, "2026-01-10 10:00:00", "lost"),
            (cls.a_won_jan, "2026-01-20 10:00:00", "won"),
            (cls.b_lost_feb5, "2026-02-05 10:00:00", "lost"),
            (cls.b_lost_feb10, "2026-02-10 10:00:00", "lost"),
        ):
            with freeze_time(when):
                if kind == "won":
                    record.stage_id = cls.stage_won
                else:
                    record.action_set_lost(lost_reason_id=cls.lost_reason.id)
        cls.env.invalidate_all()
        cls.Report = cls.env["tracelink.crm.case.report"]
        cls.domain = [("lead_id", "in", cls.all_cases.ids)]

    def _by(self, groupby, aggregates, domain=None, model=None):
        """{group key (a tuple when grouping by several fields): [aggregates]}"""
        model = self.Report if model is None else model
        rows = model._read_group(self.domain + (domain or []), groupby, aggregates)
        size = len(groupby)
        return {
            (row[0] if size == 1 else tuple(row[:size])): list(row[size:])
            for row in rows
        }


class TestCrmCaseReport(CaseStatisticsCommon):
    def test_counts_and_sums_per_status(self):
        groups = self._by(
            ["stage_id"],
            ["__count", "expected_revenue:sum", "prorated_revenue:sum"],
        )
        self.assertEqual(groups[self.stage_won], [2, 3000, 3000])
        self.assertEqual(groups[self.stage_lost], [3, 2000, 0])
        self.assertEqual(groups[self.stage_new], [3, 1300, 150 + 20 + 90])

    def test_won_lost_per_month_across_year_boundary(self):
        groups = self._by(
            ["date_closed:month", "stage_kind"],
            ["__count", "expected_revenue:sum"],
            [("stage_kind", "in", ("won", "lost"))],
        )
        figures = {
            (month.strftime("%Y-%m"), kind): v for (month, kind), v in groups.items()
        }
        self.assertEqual(
            figures,
            {
                ("2025-12", "won"): [1, 1000],
                ("2026-01", "lost"): [1, 500],
                ("2026-01", "won"): [1, 2000],
                ("2026-02", "lost"): [2, 1500],
            },
        )

    def _wizard(self, **values):
        form = Form(self.env["tracelink.crm.winloss.wizard"])
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    @freeze_time("2026-01-25 12:00:00")
    def test_interval_this_month(self):
        wizard = self._wizard(period="this_month")
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (date(2026, 1, 1), date(2026, 1, 31))
        )
        self.assertEqual((wizard.won_count, wizard.lost_count), (1, 1))
        self.assertEqual((wizard.won_value, wizard.lost_value), (2000, 500))
        self.assertAlmostEqual(wizard.win_rate, 50.0)
        action = wizard.action_show_chart()
        found = self.Report.search(action["domain"] + self.domain)
        self.assertEqual(found.lead_id, self.a_lost_jan | self.a_won_jan)

    @freeze_time("2026-01-25 12:00:00")
    def test_interval_presets(self):
        bounds = {
            period: (w.date_from, w.date_to, w.won_count, w.lost_count)
            for period in ("last_month", "this_quarter", "this_year")
            for w in [self._wizard(period=period)]
        }
        self.assertEqual(
            bounds["last_month"], (date(2025, 12, 1), date(2025, 12, 31), 1, 0)
        )
        self.assertEqual(
            bounds["this_quarter"], (date(2026, 1, 1), date(2026, 3, 31), 1, 3)
        )
        self.assertEqual(
            bounds["this_year"], (date(2026, 1, 1), date(2026, 12, 31), 1, 3)
        )

    @freeze_time("2026-01-25 12:00:00")
    def test_interval_custom_across_year(self):
        wizard = self._wizard(
            period="custom", date_from=date(2025, 12, 1), date_to=date(2026, 1, 15)
        )
        self.assertEqual((wizard.won_count, wizard.lost_count), (1, 1))
        self.assertAlmostEqual(wizard.win_rate, 50.0)
        # the last day counts whole
        wizard.date_to = date(2026, 1, 20)
        self.assertEqual(wizard.won_count, 2)

    def test_win_rate_edge_cases(self):
        nothing = self._wizard(
            period="custom", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)
        )
        self.assertFalse(nothing.has_closed_cases)
        self.assertEqual(nothing.win_rate, 0)
        all_lost = self._wizard(
            period="custom", date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)
        )
        self.assertTrue(all_lost.has_closed_cases)
        self.assertEqual((all_lost.won_count, all_lost.lost_count), (0, 2))
        self.assertEqual(all_lost.win_rate, 0)
        # the report's measure, as the pivot and graph views read it
        rates = {
            row["partner_id"][0]: row["win_rate"]
            for row in self.Report.read_group(
                self.domain, ["win_rate:avg"], ["partner_id"], lazy=False
            )
        }
        # no closed case: no rate (the pivots show "–"); only lost ones: 0
        self.assertIn(rates[self.customer_c.id], (None, False))
        self.assertIsInstance(rates[self.other_customer.id], float)
        self.assertEqual(rates[self.other_customer.id], 0)
        self.assertAlmostEqual(rates[self.customer.id], 200 / 3, places=2)

    def test_per_customer(self):
        groups = self._by(
            ["partner_id"],
            [
                "won_count:sum",
                "lost_count:sum",
                "open_count:sum",
                "win_rate:avg",
                "won_value:sum",
                "days_to_close:avg",
            ],
        )
        won, lost, open_, rate, won_value, days = groups[self.customer]
        self.assertEqual((won, lost, open_, won_value), (2, 1, 1, 3000))
        self.assertAlmostEqual(rate, 200 / 3, places=2)
        # created 2025-11-15 10:00; closed Dec 15, Jan 10, Jan 20 at 10:00
        self.assertAlmostEqual(days, (30 + 56 + 66) / 3, places=4)
        self.assertEqual(groups[self.other_customer][:4], [0, 2, 1, 0])
        self.assertEqual(groups[self.customer_c][:3], [0, 0, 1])
        self.assertFalse(groups[self.customer_c][3], "no closed case: no win rate")
        # the partner's smart button figures
        self.assertEqual(
            (
                self.customer_contact.case_won_count,
                self.customer_contact.case_lost_count,
                self.customer_contact.case_open_count,
            ),
            (2, 1, 1),
        )
        self.assertAlmostEqual(self.customer.case_win_rate, 200 / 3, places=2)
        self.assertEqual(self.other_customer.case_win_rate, 0.0)
        self.assertEqual(self.customer_c.case_win_rate, 0.0, "no closed case")
        # the case list, on its Current filter (lost cases included)
        action = self.customer.action_view_cases()
        self.assertTrue(action["context"]["search_default_current"])
        current = ["|", ("active", "=", True), ("stage_kind", "=", "lost")]
        cases = self.env["crm.lead"].search(action["domain"] + current)
        self.assertEqual(
            cases, self.a_won_dec | self.a_lost_jan | self.a_won_jan | self.a_open
        )

    def test_moved_out_of_won_no_longer_counts(self):
        self.a_won_jan.stage_id = self.stage_new
        groups = self._by(["partner_id"], ["won_count:sum", "open_count:sum"])
        self.assertEqual(groups[self.customer], [1, 2])

    def test_statistics_count_what_the_case_list_counts(self):
        (self.a_won_dec | self.b_lost_feb5 | self.c_open).action_archive()
        groups = self._by(["stage_kind"], ["__count"])
        self.assertEqual(groups["won"], [1], "an archived Won case does not count")
        self.assertEqual(groups["lost"], [3], "lost cases count as Lost")
        self.assertEqual(groups["open"], [2], "an archived open case does not count")
        listed = self.env["crm.lead"]._read_group(
            [
                ("id", "in", self.all_cases.ids),
                "|",
                ("active", "=", True),
                ("stage_kind", "=", "lost"),
            ],
            ["stage_kind"],
            ["__count"],
        )
        self.assertEqual(
            {kind: [count] for kind, count in listed},
            groups,
            "the case list counts the same",
        )
        # the partner's figures too
        self.assertEqual(
            (self.customer.case_won_count, self.customer.case_open_count), (1, 1)
        )

    def test_salesman_sees_own_statistics_only(self):
        report = self.Report.with_user(self.user_salesman)
        groups = self._by(["stage_kind"], ["__count"], model=report)
        self.assertEqual(groups, {"won": [2], "lost": [1], "open": [1]})
        other = self.Report.with_user(self.user_salesman_all)
        self.assertEqual(
            sum(
                v[0]
                for v in self._by(["stage_kind"], ["__count"], model=other).values()
            ),
            8,
        )

    def test_search_panel_counts_follow_status_changes(self):
        Lead = self.env["crm.lead"]
        # the case list's domain
        domain = [
            ("id", "in", self.all_cases.ids),
            "|",
            ("active", "=", True),
            ("stage_kind", "=", "lost"),
        ]

        def panel_counts():
            values = Lead.search_panel_select_range(
                "status_id", enable_counters=True, search_domain=domain
            )["values"]
            return {v["id"]: v["__count"] for v in values if v["__count"]}

        def list_counts():
            return {
                stage.id: count
                for stage, count in Lead._read_group(domain, ["status_id"], ["__count"])
            }

        self.assertEqual(panel_counts(), list_counts())
        self.assertEqual(panel_counts()[self.stage_lost.id], 3, "lost cases are listed")
        self.b_open.action_set_lost()
        self.assertEqual(panel_counts(), list_counts())
        self.assertEqual(panel_counts()[self.stage_lost.id], 4)


@tagged("post_install", "-at_install")
class TestCrmCaseReportViews(TracelinkCrmCommon):
    def test_report_views_load(self):
        self._create_case(name="Åben")
        won = self._create_case(name="Vundet")
        won.stage_id = self.stage_won
        for xmlid in (
            "tracelink_crm.tracelink_crm_case_report_action_status",
            "tracelink_crm.tracelink_crm_case_report_action_winloss",
            "tracelink_crm.tracelink_crm_case_report_action_customer",
            "tracelink_crm.crm_lead_action_case",
        ):
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(self.user_salesman)
            explicit = [(v.view_id.id, v.view_mode) for v in action.view_ids]
            modes = action.view_mode.split(",")
            views = explicit + [
                (False, mode) for mode in modes if mode not in dict(explicit).values()
            ]
            views = [(view_id, mode) for view_id, mode in views if mode in modes]
            result = model.get_views(views + [(action.search_view_id.id, "search")])
            self.assertEqual(set(result["views"]), set(modes) | {"search"}, xmlid)
            groups = model.web_read_group([], ["__count"], ["stage_id"], lazy=False)
            self.assertGreaterEqual(groups["length"], 2, xmlid)
        wizard_action = self.env.ref(
            "tracelink_crm.tracelink_crm_winloss_wizard_action"
        )
        self.env[wizard_action.res_model].with_user(self.user_salesman).get_views(
            [(False, "form")]
        )


@tagged("post_install", "-at_install")
class TestCrmCaseReportTour(HttpCase, TracelinkCrmCommon):
    def test_status_panel_and_winloss_tour(self):
        admin = self.env.ref("base.user_admin")
        self._create_case(name="Tour open case", user_id=admin.id)
        won = self._create_case(name="Tour won case", user_id=admin.id)
        won.stage_id = self.stage_won
        lost = self._create_case(name="Tour lost case", user_id=admin.id)
        lost.action_set_lost()
        # this year holds the tour's cases only (demo data closes cases today)
        others = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search([("date_closed", "!=", False), ("id", "not in", (won | lost).ids)])
        )
        others.write({"date_closed": "2020-06-01 12:00:00"})
        admin.tour_enabled = False
        self.start_tour("/odoo/cases", "tracelink_crm_report_tour", login="admin")
