from odoo import Command
from odoo.exceptions import UserError

from .common import TracelinkCrmCommon


class TestCrmLeadMerge(TracelinkCrmCommon):
    """Odoo's merge deletes the merged cases as superuser: a case with history
    (won, lost, with an order) must survive any merge."""

    def _merge(self, user, cases):
        wizard = (
            self.env["crm.merge.opportunity"]
            .with_user(user)
            .create({"opportunity_ids": [Command.set(cases.ids)]})
        )
        return wizard.action_merge()

    def test_salesperson_cannot_merge_won_into_won(self):
        won = self._create_case(name="Vundet A")
        other = self._create_case(name="Vundet B")
        (won | other).stage_id = self.stage_won
        with self.assertRaisesRegex(UserError, "Vundet [AB], which has history"):
            self._merge(self.user_salesman, won | other)
        self.assertEqual((won | other).exists(), won | other)
        self.assertEqual((won | other).stage_id, self.stage_won)

    def test_lost_case_is_left_out_of_merges(self):
        # Odoo merges active cases only: a lost one is archived
        open_case = self._create_case(name="Åben")
        lost = self._create_case(name="Tabt")
        lost.action_set_lost(lost_reason_id=self.lost_reason.id)
        with self.assertRaisesRegex(UserError, "at least two"):
            self._merge(self.user_salesman, open_case | lost)
        self.assertEqual(lost.status_id, self.stage_lost)

    def test_manager_cannot_merge_away_case_with_order(self):
        with_order = self._create_case(name="Med tilbud")
        order = self.env["sale.order"].create(
            {"partner_id": self.customer.id, "opportunity_id": with_order.id}
        )
        # the other case is further in the pipeline, so it would be the head
        ahead = self._create_case(name="Foran", stage_id=self.stage_offer.id)
        with self.assertRaisesRegex(UserError, "Med tilbud"):
            self._merge(self.user_manager, with_order | ahead)
        self.assertTrue(with_order.exists())
        self.assertEqual(order.opportunity_id, with_order)

    def test_manager_cannot_merge_won_and_lost(self):
        won = self._create_case(name="Vundet", user_id=False)
        won.stage_id = self.stage_won
        lost = self._create_case(name="Tabt", user_id=False)
        lost.action_set_lost()
        with self.assertRaises(UserError):
            self._merge(self.user_manager, won | lost)
        self.assertEqual((won | lost).exists(), won | lost)

    def test_open_cases_merge_into_the_won_one(self):
        won = self._create_case(name="Vundet", description="<p>Rammer</p>")
        won.stage_id = self.stage_won
        open_case = self._create_case(name="Åben", description="<p>Beslag</p>")
        result = self._merge(self.user_salesman, won | open_case)
        self.assertEqual(result["res_id"], won.id)
        self.assertFalse(open_case.exists())
        self.assertEqual(won.stage_id, self.stage_won)
        self.assertIn("Beslag", won.description)
