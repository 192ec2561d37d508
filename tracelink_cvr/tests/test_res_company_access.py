from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import TracelinkCvrCommon

SERVICE_ADDRESSES = ("cvr_cvrapi_url", "cvr_virk_url")


@tagged("post_install", "-at_install")
class TestResCompanyAccess(TracelinkCvrCommon):
    """Where the register's credentials go is for administrators only."""

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
        cls.user_admin = new_test_user(
            cls.env,
            login="tl_company_admin",
            name="Anna Admin",
            groups="base.group_system",
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
        admin_company.write({"cvr_virk_url": "https://distribution.virk.dk"})
        self.assertEqual(admin_company.cvr_virk_url, "https://distribution.virk.dk")
