from odoo.exceptions import AccessError
from odoo.tests import new_test_user, users

from .common import TracelinkCrmCommon


class TestCrmLeadAccess(TracelinkCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="tl_other", groups="sales_team.group_sale_salesman"
        )
        cls.case_mine = cls._create_case(name="Mine", user_id=cls.user_salesman.id)
        cls.case_theirs = cls._create_case(name="Theirs", user_id=cls.other_salesman.id)

    @users("tl_salesman")
    def test_own_documents_only(self):
        Lead = self.env["crm.lead"]
        visible = Lead.search([("id", "in", (self.case_mine | self.case_theirs).ids)])
        self.assertEqual(visible, self.case_mine.with_env(self.env))
        with self.assertRaises(AccessError):
            Lead.browse(self.case_theirs.id).read(["name"])
        case = Lead.create(
            {
                "name": "Ny sag",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "expected_revenue": 5000,
                "probability": 20,
            }
        )
        self.assertEqual(case.prorated_revenue, 1000)
        case.stage_id = self.stage_won
        self.assertEqual(case.probability, 100)

    @users("tl_salesman")
    def test_salesman_cannot_touch_statuses(self):
        with self.assertRaises(AccessError):
            self.env["crm.stage"].create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["crm.stage"].browse(self.stage_new.id).name = "X"

    @users("tl_salesman_all")
    def test_all_documents(self):
        visible = self.env["crm.lead"].search(
            [("id", "in", (self.case_mine | self.case_theirs).ids)]
        )
        self.assertEqual(len(visible), 2)

    @users("tl_manager")
    def test_manager_manages_statuses(self):
        stage = self.env["crm.stage"].create(
            {"name": "Forhandling", "default_probability": 80}
        )
        self.assertEqual(stage.status_kind, "open")
        stage.unlink()

    def test_multi_company_rule(self):
        other_company = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        case = self._create_case(
            name="Søster", company_id=other_company.id, user_id=False
        )
        user = new_test_user(
            self.env,
            login="tl_all_dk",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        found = self.env["crm.lead"].with_user(user).search([("id", "=", case.id)])
        self.assertFalse(found)
