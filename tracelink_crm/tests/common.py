from odoo.tests import new_test_user

from odoo.addons.base.tests.common import TransactionCaseWithUserDemo


class TracelinkCrmCommon(TransactionCaseWithUserDemo):
    """Users, statuses, customers and cases shared by the tracelink_crm tests.

    Nothing here relies on demo data.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.user_salesman = new_test_user(
            cls.env,
            login="tl_salesman",
            name="Sofie Sælger",
            groups="sales_team.group_sale_salesman",
        )
        cls.user_salesman_all = new_test_user(
            cls.env,
            login="tl_salesman_all",
            name="Anders Alle",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="tl_manager",
            name="Mette Manager",
            groups="sales_team.group_sale_manager",
        )
        Stage = cls.env["crm.stage"]
        cls.stage_won = cls.env.ref("crm.stage_lead4")
        cls.stage_lost = cls.env.ref("tracelink_crm.crm_stage_lost")
        cls.stage_new = Stage.create({"name": "Ny", "sequence": 1})
        cls.stage_offer = Stage.create(
            {"name": "Tilbud sendt", "sequence": 5, "default_probability": 60}
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Vejle Maskinfabrik ApS", "is_company": True}
        )
        cls.customer_contact = Partner.create(
            {"name": "Jens Jensen", "parent_id": cls.customer.id}
        )
        cls.other_customer = Partner.create(
            {"name": "Herning Stål A/S", "is_company": True}
        )
        cls.lost_reason = cls.env["crm.lost.reason"].create({"name": "For dyrt"})

    @classmethod
    def _create_case(cls, **values):
        vals = {
            "name": "Svejste rammer",
            "type": "opportunity",
            "partner_id": cls.customer.id,
            "expected_revenue": 10000,
            "stage_id": cls.stage_new.id,
            "user_id": cls.user_salesman.id,
        }
        vals.update(values)
        return cls.env["crm.lead"].create(vals)
