from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.tracelink_cvr.tests.common import CvrStandIns

from .common import TracelinkEconomicCommon


@tagged("post_install", "-at_install")
class TestEconomicCvrCustomer(CvrStandIns, TracelinkEconomicCommon):
    """New CVR customer and tracelink_find_or_create_from_cvr with e-conomic
    connected: the customer is found or created in e-conomic first, through
    tracelink_cvr's hook res.partner._prepare_customer_from_cvr."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_cvr_stand_ins()

    def _confirm(self, term):
        form = Form(self.env["tracelink.cvr.customer.wizard"])
        form.search_term = term
        wizard = form.save()
        wizard.action_search()
        wizard.action_confirm()
        return wizard

    def test_new_cvr_customer_is_created_in_economic_first(self):
        partner = self._confirm("13585628").partner_id
        (customer,) = self.fake.customers.values()
        self.assertEqual(customer["name"], "Eksempel Maskinfabrik ApS")
        self.assertEqual(customer["corporateIdentificationNumber"], "13585628")
        self.assertEqual(customer["address"], "Industrivej 4")
        self.assertEqual(partner.economic_customer_number, customer["customerNumber"])
        self.assertTrue(partner.economic_last_sync)

    def test_existing_economic_customer_is_linked(self):
        self.fake.add_customer(
            "Eksempel Maskinfabrik", number=42, corporateIdentificationNumber="13585628"
        )
        partner = self._confirm("13585628").partner_id
        self.assertEqual(partner.economic_customer_number, 42)
        self.assertEqual(self.fake.count("POST", "/customers"), 0)

    def test_refusal_of_economic_creates_nothing(self):
        self.connection.vat_zone = 42
        form = Form(self.env["tracelink.cvr.customer.wizard"])
        form.search_term = "13585628"
        wizard = form.save()
        wizard.action_search()
        with self.assertRaisesRegex(UserError, "vatZone: VAT zone not found"):
            wizard.action_confirm()
        self.assertFalse(self._partners_with_cvr("13585628"))
        self.assertFalse(self.fake.customers)

    def test_other_systems_get_the_customer_in_economic_too(self):
        Partner = self.env["res.partner"].with_user(self.user_salesman)
        partner_id = Partner.tracelink_find_or_create_from_cvr("DK 1358 5628")
        (customer,) = self.fake.customers.values()
        partner = self.env["res.partner"].browse(partner_id)
        self.assertEqual(partner.economic_customer_number, customer["customerNumber"])
        # found again in Odoo: e-conomic is not asked twice
        self.server.clear_log()
        self.assertEqual(
            Partner.tracelink_find_or_create_from_cvr("13585628"), partner_id
        )
        self.assertFalse(self.server.log)

    def test_disabled_connection_is_left_alone(self):
        self.connection.state = "disabled"
        partner = self._confirm("13585628").partner_id
        self.assertFalse(partner.economic_customer_number)
        self.assertFalse(self.server.log)
