from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import TracelinkCrmCommon


@tagged("post_install", "-at_install")
class TestCrmLeadForm(TracelinkCrmCommon):
    def _case_form(self, record=None):
        """The case form as the Cases menu opens it (its action's context)."""
        action = self.env.ref("tracelink_crm.crm_lead_action_case")
        env = self.env(context=dict(self.env.context, **safe_eval(action.context)))
        view = self.env.ref("crm.crm_lead_view_form")
        if record:
            return Form(record.with_env(env), view=view)
        return Form(env["crm.lead"], view=view)

    def test_create_case_through_form(self):
        with self._case_form() as form:
            form.name = "Laserskårne beslag"
            form.partner_id = self.customer
            form.expected_revenue = 40000
            form.probability = 30
            form.follow_up_date = "2026-12-01"
            self.assertEqual(form.prorated_revenue, 12000)
        case = form.record
        self.assertEqual(case.type, "opportunity")
        self.assertEqual(case.prorated_revenue, 12000)
        self.assertFalse(case.is_automated_probability)

    def test_customer_required_on_case(self):
        form = self._case_form()
        form.name = "Uden kunde"
        with self.assertRaises(AssertionError):
            form.save()

    def test_won_makes_probability_readonly_and_full_weight(self):
        case = self._create_case(expected_revenue=5000, probability=20)
        with self._case_form(case) as form:
            form.stage_id = self.stage_won
        self.assertEqual(case.probability, 100)
        self.assertEqual(case.prorated_revenue, 5000)
        form = self._case_form(case)
        with self.assertRaises(AssertionError):
            form.probability = 50

    def test_tabs_visible_in_form(self):
        case = self._create_case()
        self._create_case(name="Sibling")
        form = self._case_form(case)
        self.assertEqual(form.same_customer_lead_count, 1)
        self.assertEqual(len(form.same_customer_lead_ids), 1)
        self.assertEqual(form.customer_order_count, 0)
