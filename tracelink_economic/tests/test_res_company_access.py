from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TracelinkEconomicCommon

SERVICE_ADDRESSES = ("economic_base_url",)
IMPORT_REPORT = ("economic_import_notes", "economic_import_error")


@tagged("post_install", "-at_install")
class TestResCompanyAccess(TracelinkEconomicCommon):
    """Where credentials go and what the import found are not for everyone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "Access Rights" may write companies, but is no administrator
        cls.user_access_rights = new_test_user(
            cls.env,
            login="tl_access_rights",
            name="Rikke Rettigheder",
            groups="base.group_erp_manager,base.group_partner_manager",
        )
        cls.company.sudo().write(
            {
                "economic_import_notes": "Kunde 17 sprunget over: CVR afviger",
                "economic_import_error": "e-conomic svarede ikke",
            }
        )

    def test_service_addresses_only_for_administrators(self):
        company = self.company.with_user(self.user_access_rights)
        # the user may write the company as such ...
        company.write({"phone": "+45 70 10 20 30"})
        for field in SERVICE_ADDRESSES:
            with self.subTest(field=field):
                # ... but may neither read nor redirect a service address
                with self.assertRaises(AccessError):
                    company.write({field: "https://collector.example.com"})
                with self.assertRaises(AccessError):
                    company.read([field])
        admin_company = self.company.with_user(self.user_admin)
        admin_company.write({"economic_base_url": "https://restapi.e-conomic.com"})
        self.assertEqual(
            admin_company.economic_base_url, "https://restapi.e-conomic.com"
        )

    def test_import_report_for_administrators_and_sales_managers(self):
        for user in (self.user_salesman, self.user_access_rights):
            for field in IMPORT_REPORT:
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        self.company.with_user(user).read([field])
        for user in (self.user_sale_manager, self.user_admin):
            values = self.company.with_user(user).read(list(IMPORT_REPORT))[0]
            self.assertEqual(
                values["economic_import_notes"], "Kunde 17 sprunget over: CVR afviger"
            )
            self.assertEqual(values["economic_import_error"], "e-conomic svarede ikke")
