from odoo.tests import HttpCase, tagged

from .cvr_common import TracelinkCrmCvrCommon


@tagged("post_install", "-at_install")
class TestCvrCustomerTour(HttpCase, TracelinkCrmCvrCommon):
    def test_new_cvr_customer_tour(self):
        """On a new case: New CVR customer, type a CVR number, confirm: the
        case's customer is the new company."""
        self.env.ref("base.user_admin").tour_enabled = False
        self.start_tour("/odoo/cases", "tracelink_crm_cvr_customer_tour", login="admin")

        case = self.env["crm.lead"].search([("name", "=", "Tour CVR case")])
        self.assertEqual(len(case), 1)
        self.assertRecordValues(
            case.partner_id,
            [
                {
                    "name": "Eksempel Maskinfabrik ApS",
                    "is_company": True,
                    "company_registry": "13585628",
                    "vat": "DK13585628",
                    "city": "Vejle",
                    "cvr_status": "active",
                }
            ],
        )
        [call] = self.fake_api.calls
        self.assertEqual(call["args"]["vat"], "13585628")
