from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import TracelinkCrmCommon


@tagged("post_install", "-at_install")
class TestResConfigSettings(TracelinkCrmCommon):
    """Settings > CRM: the order settings, and e-conomic offered as Odoo
    offers its optional modules, with a link to the company's connection
    once it is installed."""

    def test_crm_settings_offer_economic_and_order_settings(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        crm_app = etree.fromstring(arch).xpath("//app[@name='crm']")[0]
        names = set(crm_app.xpath(".//field/@name"))
        self.assertLessEqual(
            {
                "module_tracelink_economic",
                "tracelink_order_product_id",
                "tracelink_order_auto_send",
            },
            names,
        )
        # the CVR register has its own block in General Settings
        self.assertNotIn("cvr_provider", names)

    def test_economic_checkbox_and_link_follow_the_module(self):
        module = self.env["ir.module.module"]._get("tracelink_economic")
        installed = module.state == "installed"
        admin = self.env.ref("base.user_admin")
        settings = Form(self.env["res.config.settings"].with_user(admin)).save()
        self.assertEqual(settings.module_tracelink_economic, installed)
        if not installed:
            # the link is hidden, and says what to do when called anyway
            with self.assertRaisesRegex(UserError, "install it first"):
                settings.action_open_economic_connection()
            return
        action = settings.action_open_economic_connection()
        self.assertEqual(action["res_model"], "tracelink.economic.connection")
        connection = self.env["tracelink.economic.connection"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(action["res_id"], connection.id)
        self.assertEqual(action["context"]["default_company_id"], self.company.id)
