from odoo.tests import new_test_user

from odoo.addons.tracelink_cvr.tests.common import OwnDialogsCases

from .common import TracelinkCrmCommon


class TestWizardAccess(OwnDialogsCases, TracelinkCrmCommon):
    """Dialog rows (Won/Lost interval, quotation choice, the confirmation of
    a customer not active in CVR) belong to the user who opened them; other
    users, managers included, can neither find, read nor change them over
    RPC."""

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
        cls.dialogs = {
            cls.env["tracelink.crm.winloss.wizard"]
            .with_user(owner)
            .create({"period": "this_month"}): {"interval": "week"},
            cls.env["tracelink.crm.convert.order.wizard"]
            .with_user(owner)
            .create({"lead_id": case.id, "sale_order_id": quotation.id}): {
                "sale_order_id": quotation.id
            },
            cls.env["tracelink.crm.convert.status.wizard"]
            .with_user(owner)
            .create({"lead_id": case.id, "sale_order_id": quotation.id}): {
                "sale_order_id": False
            },
        }
        cls.dialog_owner = owner
        cls.dialog_others = cls.other_salesman | cls.user_manager
