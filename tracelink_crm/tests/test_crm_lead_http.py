from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common import TracelinkCrmCommon


@tagged("post_install", "-at_install")
class TestCrmLeadHttp(HttpCase, TracelinkCrmCommon):
    def test_xmlrpc_round_trip(self):
        """Another system creates a case, moves it to Won, reads the weighted value."""
        uid = self.user_manager.id
        password = "tl_manager"
        rpc = self.xmlrpc_object
        db = self.env.cr.dbname
        case_id = rpc.execute_kw(
            db,
            uid,
            password,
            "crm.lead",
            "create",
            [
                {
                    "name": "XML-RPC sag",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "expected_revenue": 12000,
                    "probability": 25,
                }
            ],
        )
        [case] = rpc.execute_kw(
            db, uid, password, "crm.lead", "read", [[case_id], ["prorated_revenue"]]
        )
        self.assertEqual(case["prorated_revenue"], 3000)
        rpc.execute_kw(
            db,
            uid,
            password,
            "crm.lead",
            "write",
            [[case_id], {"stage_id": self.stage_won.id}],
        )
        [case] = rpc.execute_kw(
            db,
            uid,
            password,
            "crm.lead",
            "read",
            [
                [case_id],
                ["prorated_revenue", "probability", "stage_kind", "date_closed"],
            ],
        )
        self.assertEqual(case["probability"], 100)
        self.assertEqual(case["prorated_revenue"], 12000)
        self.assertEqual(case["stage_kind"], "won")
        self.assertTrue(case["date_closed"])

    def test_case_tour(self):
        self.env["res.partner"].create({"name": "Tour Kunde ApS", "is_company": True})
        yesterday = date.today() - timedelta(days=1)
        self.env["crm.lead"].create(
            {
                "name": "Tour overdue case",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "expected_revenue": 40000,
                "probability": 50,
                "follow_up_date": yesterday,
                "stage_id": self.stage_new.id,
                "user_id": self.env.ref("base.user_admin").id,
            }
        )
        self.env.ref("base.user_admin").tour_enabled = False
        self.start_tour("/odoo", "tracelink_crm_case_tour", login="admin")
