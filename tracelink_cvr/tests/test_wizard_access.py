from odoo import Command
from odoo.tests import new_test_user

from .common import OwnDialogsCases, TracelinkCvrCommon


class TestWizardAccess(OwnDialogsCases, TracelinkCvrCommon):
    """New CVR customer dialogs and their matches belong to the user who
    opened them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cvr = (
            cls.env["tracelink.cvr.customer.wizard"]
            .with_user(cls.user_contacts)
            .create(
                {"search_term": "Vejle", "line_ids": [Command.create({"sequence": 1})]}
            )
        )
        cls.dialogs = {
            cvr: {"search_term": "Herning"},
            cvr.line_ids: {"sequence": 2},
        }
        cls.dialog_owner = cls.user_contacts
        cls.dialog_others = new_test_user(
            cls.env,
            login="tl_other_dialogs",
            groups="base.group_user,base.group_partner_manager",
        ) | cls.env.ref("base.user_admin")
