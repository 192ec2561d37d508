from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged, users

from .common import TracelinkCvrCommon


@tagged("post_install", "-at_install")
class TestCvrPartnerRefresh(TracelinkCvrCommon):
    """Refresh from CVR on a company partner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.maskinfabrik = cls.env["res.partner"].create(
            {
                "name": "Eksempel Maskinfabrik",
                "is_company": True,
                "company_registry": "13585628",
                "street": "Gammel Vej 1",
                "zip": "7100",
                "city": "Vejle",
                "phone": "75000000",
                "email": False,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Karen Indkøber", "parent_id": cls.maskinfabrik.id}
        )

    def _last_message(self, partner):
        return partner.message_ids.sorted("id")[-1]

    def test_refresh_writes_and_reports_the_changes(self):
        partner = self.maskinfabrik
        # a cached answer is not enough: the register is read again
        self.env["tracelink.cvr.api"]._cvr_get("13585628")
        self.assertEqual(len(self.fake_api.calls), 1)

        action = partner.action_refresh_from_cvr()

        self.assertEqual(len(self.fake_api.calls), 2)
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Eksempel Maskinfabrik ApS",
                    "street": "Industrivej 4",
                    "zip": "7100",
                    "phone": "75000000",
                    "email": "info@maskinfabrik.example.dk",
                    "country_id": self.env.ref("base.dk").id,
                    "vat": "DK13585628",
                    "company_registry": "13585628",
                    "cvr_legal_form": "Anpartsselskab",
                    "cvr_industry_code": "282900",
                    "cvr_status": "active",
                    "cvr_protected": False,
                    "cvr_provider": "cvrapi",
                }
            ],
        )
        self.assertTrue(partner.cvr_lookup_date)
        # the contacts of the company follow its register data
        self.assertEqual(self.contact.cvr_legal_form, "Anpartsselskab")

        params = action["params"]
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(params["type"], "success")
        self.assertEqual(params["next"], {"type": "ir.actions.act_window_close"})
        self.assertIn("Street: Gammel Vej 1 → Industrivej 4", params["message"])
        self.assertIn(
            "Name: Eksempel Maskinfabrik → Eksempel Maskinfabrik ApS",
            params["message"],
        )
        self.assertNotIn("Phone", params["message"])
        self.assertNotIn("Zip", params["message"])

        body = str(self._last_message(partner).body)
        self.assertIn("Refreshed from the CVR register (cvrapi.dk)", body)
        self.assertIn("<li>Street: Gammel Vej 1 → Industrivej 4</li>", body)
        self.assertIn("<li>Email: (empty) → info@maskinfabrik.example.dk</li>", body)

        action = partner.action_refresh_from_cvr()
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(action["params"]["message"], "Nothing has changed.")
        self.assertIn("nothing has changed", str(self._last_message(partner).body))

    def test_refresh_keeps_what_the_register_leaves_empty(self):
        bakery = self.env["res.partner"].create(
            {
                "name": "Nordvind Bageri I/S",
                "is_company": True,
                "vat": "DK10150817",
                "phone": "86000000",
                "email": "bager@example.dk",
            }
        )
        self._use_virk()
        bakery.action_refresh_from_cvr()
        self.assertEqual(
            self.fake_virk.calls[0]["json"]["query"]["term"],
            {"Vrvirksomhed.cvrNummer": 10150817},
        )
        self.assertRecordValues(
            bakery,
            [
                {
                    "phone": "86000000",
                    "email": "bager@example.dk",
                    "street": "Bygaden 7B",
                    "cvr_status": "ceased",
                    "company_registry": "10150817",
                    "vat": "DK10150817",
                    "cvr_provider": "virk",
                }
            ],
        )

    def test_refresh_marketing_protection(self):
        fjordlys = self.env["res.partner"].create(
            {"name": "Fjordlys", "is_company": True, "company_registry": "22756214"}
        )
        action = fjordlys.action_refresh_from_cvr()
        self.assertTrue(fjordlys.cvr_protected)
        self.assertIn("Marketing Protection: No → Yes", action["params"]["message"])

    def test_refresh_needs_a_company_with_cvr(self):
        for partner in (self.customer, self.contact):
            with self.subTest(partner=partner.name), self.assertRaises(UserError):
                partner.action_refresh_from_cvr()
        self.assertFalse(self.fake_api.calls)

    def test_failed_refresh_changes_nothing(self):
        self.fake_api.set_mode("QUOTA_EXCEEDED")
        messages = len(self.maskinfabrik.message_ids)
        try:
            self.maskinfabrik.action_refresh_from_cvr()
        except UserError as caught:
            self.assertIn("the quota is used up", str(caught))
        else:
            self.fail("The refresh did not fail")
        self.assertRecordValues(
            self.maskinfabrik,
            [
                {
                    "name": "Eksempel Maskinfabrik",
                    "street": "Gammel Vej 1",
                    "cvr_lookup_date": False,
                }
            ],
        )
        self.assertEqual(len(self.maskinfabrik.message_ids), messages)

    @users("tl_contacts")
    def test_contacts_user_refreshes(self):
        partner = self.maskinfabrik.with_env(self.env)
        partner.action_refresh_from_cvr()
        self.assertEqual(partner.street, "Industrivej 4")

    def test_only_users_who_may_change_contacts_reach_the_register(self):
        """Rights are checked before any call: a portal user cannot spend the
        register's quota, not even on their own contact."""
        portal, internal = self.user_portal, self.user_internal
        for user, partner in (
            (portal, portal.partner_id),
            (portal, self.maskinfabrik),
            (internal, self.maskinfabrik),
        ):
            with self.subTest(user=user.login, partner=partner.name):
                partner.sudo().write(
                    {"is_company": True, "company_registry": "13585628"}
                )
                with self.assertRaises(AccessError):
                    partner.with_user(user).action_refresh_from_cvr()
        self.assertFalse(self.fake_api.calls)

    def test_hourly_look_up_limit_per_user(self):
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("tracelink_cvr.lookup_limit", "2")
        partner = self.maskinfabrik.with_user(self.user_contacts)
        partner.action_refresh_from_cvr()
        partner.action_refresh_from_cvr()
        with self.assertRaisesRegex(UserError, "2 look-ups in the CVR register"):
            partner.action_refresh_from_cvr()
        self.assertEqual(len(self.fake_api.calls), 2)
        # another user has a limit of their own; cached answers do not count
        admin = self.env.ref("base.user_admin")
        self.maskinfabrik.with_user(admin).action_refresh_from_cvr()
        self.assertEqual(len(self.fake_api.calls), 3)
        Api = self.env["tracelink.cvr.api"].with_user(self.user_contacts)
        self.assertEqual(Api._cvr_get("13585628")["cvr"], "13585628")
        self.assertEqual(len(self.fake_api.calls), 3)
        ICP.set_param("tracelink_cvr.lookup_limit", "0")
        partner.action_refresh_from_cvr()
        self.assertEqual(len(self.fake_api.calls), 4)
