from odoo.tests import HttpCase, tagged

from .common import TracelinkCvrCommon


@tagged("post_install", "-at_install")
class TestCvrCustomerTour(HttpCase, TracelinkCvrCommon):
    def test_new_cvr_customer_from_contacts(self):
        """A contacts user, no CRM: New CVR customer on the contacts, type a
        CVR number, confirm: the company is created and opened."""
        self.user_contacts.tour_enabled = False
        self.start_tour(
            "/odoo/contacts", "tracelink_cvr_contacts_tour", login="tl_contacts"
        )
        partner = self._partners_with_cvr("13585628")
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Eksempel Maskinfabrik ApS",
                    "is_company": True,
                    "vat": "DK13585628",
                    "cvr_legal_form": "Anpartsselskab",
                    "create_uid": self.user_contacts.id,
                }
            ],
        )
        [call] = self.fake_api.calls
        self.assertEqual(call["args"]["vat"], "13585628")
