from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged, users

from .cvr_common import TracelinkCrmCvrCommon


@tagged("post_install", "-at_install")
class TestCvrCustomerCase(TracelinkCrmCvrCommon):
    """New CVR customer opened from a case: the company becomes the case's
    customer; salespeople may look up (crm lets them create contacts)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._create_case(
            name="Ny kunde søges", partner_id=cls.other_customer.id
        )

    def _look_up(self, term, **context):
        form = Form(self.env["tracelink.cvr.customer.wizard"].with_context(**context))
        form.search_term = term
        wizard = form.save()
        wizard.action_search()
        return wizard

    def test_case_gets_the_new_customer_and_the_dialog_closes(self):
        wizard = self._look_up("DK 1358-5628", default_lead_id=self.case.id)
        self.assertEqual(wizard.lead_id, self.case)
        action = wizard.action_confirm()
        partner = self.case.partner_id
        self.assertNotEqual(partner, self.other_customer)
        self.assertEqual(partner, wizard.partner_id)
        self.assertEqual(partner.company_registry, "13585628")
        self.assertEqual(
            action["params"]["next"], {"type": "ir.actions.act_window_close"}
        )

    def test_case_as_active_id(self):
        wizard = self._look_up(
            "13585628", active_model="crm.lead", active_id=self.case.id
        )
        self.assertEqual(wizard.lead_id, self.case)
        wizard.action_confirm()
        self.assertEqual(self.case.partner_id.company_registry, "13585628")

    def test_ceased_company_leaves_the_case_alone_until_confirmed(self):
        wizard = self._look_up("10150817", default_lead_id=self.case.id)
        wizard.action_confirm()
        self.assertEqual(wizard.state, "confirm_ceased")
        self.assertEqual(self.case.partner_id, self.other_customer)
        wizard.action_confirm()
        self.assertEqual(self.case.partner_id.name, "Nordvind Bageri I/S")

    def test_failed_look_up_leaves_the_case_alone(self):
        self.fake_api.set_mode("QUOTA_EXCEEDED")
        form = Form(
            self.env["tracelink.cvr.customer.wizard"].with_context(
                default_lead_id=self.case.id
            )
        )
        form.search_term = "13585628"
        wizard = form.save()
        with self.assertRaisesRegex(UserError, "the quota is used up"):
            wizard.action_search()
        self.assertEqual(self.case.partner_id, self.other_customer)

    @users("tl_salesman")
    def test_salesman_uses_the_wizard(self):
        case = self.case.with_env(self.env)
        wizard = self._look_up("13585628", default_lead_id=case.id)
        wizard.action_confirm()
        self.assertEqual(case.partner_id.company_registry, "13585628")
        self.assertEqual(case.partner_id.create_uid, self.user_salesman)
        with self.assertRaises(AccessError):
            self.env["tracelink.cvr.cache"].search([])

    @users("tl_salesman")
    def test_salesman_cannot_set_customer_of_a_case_not_theirs(self):
        theirs = (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": "Andens sag",
                    "type": "opportunity",
                    "partner_id": self.other_customer.id,
                    "user_id": self.user_manager.id,
                }
            )
        )
        wizard = self.env["tracelink.cvr.customer.wizard"].create(
            {"search_term": "13585628", "lead_id": theirs.id}
        )
        wizard.action_search()
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(self._partners_with_cvr("13585628"))
        self.assertEqual(theirs.partner_id, self.other_customer)

    @users("tl_salesman")
    def test_salesman_refreshes_and_calls_the_api(self):
        partner_id = self.env["res.partner"].tracelink_find_or_create_from_cvr(
            "13585628"
        )
        partner = self.env["res.partner"].browse(partner_id)
        partner.action_refresh_from_cvr()
        self.assertEqual(partner.street, "Industrivej 4")

    def test_buttons_for_salespeople(self):
        """Salespeople see the CVR buttons that contact managers see: the
        field widget on the case form, New CVR customer on the contacts list
        and kanban, Refresh from CVR on the partner form."""
        Partner = self.env["res.partner"].with_user(self.user_salesman)
        Lead = self.env["crm.lead"].with_user(self.user_salesman)
        views = {
            (Lead, "crm.crm_lead_view_form", "form"): "tracelink_cvr_customer_button",
            (Partner, "base.view_partner_tree", "list"): "New CVR customer",
            (Partner, "base.res_partner_kanban_view", "kanban"): "New CVR customer",
            (Partner, "base.view_partner_form", "form"): "action_refresh_from_cvr",
        }
        for (model, xmlid, view_type), needle in views.items():
            with self.subTest(view=xmlid):
                arch = model.get_view(self.env.ref(xmlid).id, view_type)["arch"]
                self.assertIn(needle, arch)
