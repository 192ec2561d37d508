from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import TracelinkCrmCommon


class TestWizardAccess(TracelinkCrmCommon):
    """Dialog rows (CVR look-up and its matches, Won/Lost interval, quotation
    choice) belong to the user who opened them; other users, managers
    included, can neither find, read nor change them over RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_salesman = new_test_user(
            cls.env, login="tl_other_dialogs", groups="sales_team.group_sale_salesman"
        )
        owner = cls.user_salesman
        case = cls._create_case()
        case.stage_id = cls.stage_won
        quotation = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "opportunity_id": case.id}
        )
        cvr = (
            cls.env["tracelink.cvr.customer.wizard"]
            .with_user(owner)
            .create(
                {"search_term": "Vejle", "line_ids": [Command.create({"sequence": 1})]}
            )
        )
        cls.dialogs = {
            cvr: {"search_term": "Herning"},
            cvr.line_ids: {"sequence": 2},
            cls.env["tracelink.crm.winloss.wizard"]
            .with_user(owner)
            .create({"period": "this_month"}): {"interval": "week"},
            cls.env["tracelink.crm.convert.order.wizard"]
            .with_user(owner)
            .create({"lead_id": case.id, "sale_order_id": quotation.id}): {
                "sale_order_id": quotation.id
            },
        }

    def test_owner_uses_own_dialogs(self):
        for dialog, vals in self.dialogs.items():
            mine = dialog.with_user(self.user_salesman)
            self.assertEqual(mine.search([("id", "=", dialog.id)]), mine)
            mine.read(["create_uid"])
            mine.write(vals)

    def test_other_users_cannot_reach_dialogs(self):
        for user in (self.other_salesman, self.user_manager):
            for dialog, vals in self.dialogs.items():
                with self.subTest(user=user.login, model=dialog._name):
                    theirs = dialog.with_user(user)
                    self.assertFalse(theirs.search([("id", "=", dialog.id)]))
                    with self.assertRaises(AccessError):
                        theirs.read(["create_uid"])
                    with self.assertRaises(AccessError):
                        theirs.write(vals)
