from datetime import date, timedelta

from lxml import etree

from odoo.tests import HttpCase, new_test_user, tagged

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmLeadCaseListHttp(HttpCase, TracelinkOrderCommon):
    browser_size = "1280x800"

    def test_case_list_columns_read_whole_at_1280(self):
        """Case and Customer names of 30 characters are not cut at 1280 px
        (salesperson as an avatar, narrow figures, optional columns hidden)."""
        self.user_salesman.tour_enabled = False
        customer = self.env["res.partner"].create(
            {"name": "Vejle Maskinfabrik og Stål ApS", "is_company": True}
        )
        self._create_case(
            name="Svejste rammer til lagerhallen",
            partner_id=customer.id,
            expected_revenue=125000,
            probability=30,
        )
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_list_width_tour",
            login=self.user_salesman.login,
        )

    def test_empty_case_list_helps_in_danish(self):
        """A new salesperson without cases is told in Danish how to add the
        first one, without Odoo's sample rows."""
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(["tracelink_crm"], ["da_DK"])
        newcomer = new_test_user(
            self.env,
            login="tl_newcomer",
            name="Nina Ny",
            lang="da_DK",
            groups="sales_team.group_sale_salesman",
            tour_enabled=False,
        )
        self.start_tour(
            "/odoo/cases", "tracelink_crm_empty_case_list_tour", login=newcomer.login
        )

    def test_overdue_and_closed_are_icons(self):
        """The red clock in the list and the form and the lock in the tabs are
        icons; the Orders tab shows the delivery date as a date."""
        self.user_salesman.tour_enabled = False
        self._create_case(
            name="Markers overdue case", follow_up_date=date.today() - timedelta(days=1)
        )
        won = self._create_won_case(name="Markers won case")
        won.action_convert_to_order()
        won.sale_order_id.commitment_date = "2026-10-15 14:30:00"
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_markers_tour",
            login=self.user_salesman.login,
        )

    def test_kanban_columns_total_value_and_weighted_value(self):
        """A kanban column shows the value and the weighted value of its
        cases, named and with the currency: the case list's group totals."""
        self.user_salesman.tour_enabled = False
        stage = self.env["crm.stage"].create({"name": "Kanban Status", "sequence": 2})
        self._create_case(name="Kanban a", stage_id=stage.id, probability=30)
        self._create_case(
            name="Kanban b", stage_id=stage.id, expected_revenue=20000, probability=50
        )
        [(value, weighted)] = (
            self.env["crm.lead"]
            .with_user(self.user_salesman)
            ._read_group(
                [("stage_id", "=", stage.id)],
                aggregates=["expected_revenue:sum", "prorated_revenue:sum"],
            )
        )
        self.assertEqual((value, weighted), (30000, 13000))
        self.assertEqual(self.env.company.currency_id.symbol, "$")
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_kanban_tour",
            login=self.user_salesman.login,
        )

    def test_add_a_case_at_the_bottom_of_the_list(self):
        """Add a case (Danish: Tilføj en sag) fills a case in its row, the
        customer picked there, New CVR customer offered; a saved case opens
        in the form."""
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(
            ["tracelink_cvr", "tracelink_crm"], ["da_DK"]
        )
        self.user_salesman.write({"lang": "da_DK", "tour_enabled": False})
        customer = self.env["res.partner"].create(
            {"name": "Rækkekunde ApS", "is_company": True}
        )
        self._create_case(name="Rækkesag")
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_add_row_tour",
            login=self.user_salesman.login,
        )
        case = self.env["crm.lead"].search([("name", "=", "Tavle til hal 3")])
        self.assertEqual(
            (case.type, case.partner_id, case.expected_revenue, case.user_id),
            ("opportunity", customer, 50000, self.user_salesman),
        )


@tagged("post_install", "-at_install")
class TestCrmLeadCaseListArch(TracelinkOrderCommon):
    def test_no_paid_lead_mining_on_cases(self):
        """Odoo's Generate Leads (paid lead mining) is not offered on the case
        list, even to a sales manager."""
        view = self.env.ref("tracelink_crm.crm_lead_view_list_case")
        Lead = self.env["crm.lead"].with_user(self.user_manager)
        arch = Lead.get_views([(view.id, "list")])["views"]["list"]["arch"]
        [button] = etree.fromstring(arch).xpath(
            "//button[@name='action_generate_leads']"
        )
        self.assertEqual(button.get("invisible"), "True")
