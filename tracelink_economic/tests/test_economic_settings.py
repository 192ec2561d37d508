import logging
from contextlib import contextmanager

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import APP_TOKEN, GRANT_TOKEN, TracelinkEconomicCommon

TOKEN_FIELDS = ("economic_app_secret_token", "economic_agreement_grant_token")


@tagged("post_install", "-at_install")
class TestEconomicSettings(TracelinkEconomicCommon):
    def settings_form(self, user=None):
        Settings = self.env["res.config.settings"]
        return Form(Settings.with_user(user) if user else Settings)

    def test_settings_form_and_test_connection(self):
        self.company.write(
            {
                "economic_enabled": False,
                "economic_app_secret_token": False,
                "economic_agreement_grant_token": False,
            }
        )
        with self.settings_form(self.user_admin) as form:
            form.economic_enabled = True
            form.economic_app_secret_token = APP_TOKEN
            form.economic_agreement_grant_token = GRANT_TOKEN
            form.economic_base_url = self.server.url_for("/")
            form.economic_payment_terms = 2
        settings = form.record
        self.assertRecordValues(
            self.company,
            [{"economic_enabled": True, "economic_payment_terms": 2}],
        )
        self.assertEqual(self.company.sudo().economic_app_secret_token, APP_TOKEN)

        action = settings.action_economic_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("agreement 1234567", action["params"]["message"])
        self.assertIn(self.fake.company_name, action["params"]["message"])
        (request,) = self.requests_to("GET", "/self")
        self.assertEqual(request.headers["X-AppSecretToken"], APP_TOKEN)

        self.company.economic_agreement_grant_token = "not-the-right-grant-token"
        action = settings.action_economic_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            "refused the user name, password or token", action["params"]["message"]
        )

    def test_settings_defaults(self):
        company = self.env["res.company"].create({"name": "Ny Virksomhed ApS"})
        self.assertRecordValues(
            company,
            [
                {
                    "economic_enabled": False,
                    "economic_base_url": "https://restapi.e-conomic.com",
                    "economic_timeout": 30,
                    "economic_customer_group": 1,
                    "economic_payment_terms": 1,
                    "economic_vat_zone": 1,
                    "economic_last_import": False,
                }
            ],
        )
        with self.assertRaises(UserError):
            company.economic_timeout = 0

    def test_plain_http_address_is_refused_at_save_and_at_call(self):
        with self.assertRaisesRegex(ValidationError, "https://"):
            with self.settings_form(self.user_admin) as form:
                form.economic_base_url = "http://restapi.e-conomic.com"
        # an address stored before the check: no token leaves Odoo
        self.env.cr.execute(
            "UPDATE res_company SET economic_base_url = %s WHERE id = %s",
            ("http://restapi.e-conomic.com", self.company.id),
        )
        self.company.invalidate_recordset(["economic_base_url"])
        settings = self.settings_form(self.user_admin).save()
        action = settings.action_economic_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("without https://", action["params"]["message"])
        self.assertFalse(self.fake.calls)

    def test_import_now_from_settings(self):
        self.fake.add_customers(12)
        self.fake.add_raw({"customerNumber": 13, "name": ""})
        settings = self.settings_form(self.user_admin).save()

        action = settings.action_economic_import_customers()

        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("12 created", action["params"]["message"])
        self.assertIn("1 skipped", action["params"]["message"])
        settings = self.settings_form(self.user_admin).save()
        self.assertRecordValues(
            settings,
            [
                {
                    "economic_import_created": 12,
                    "economic_import_updated": 0,
                    "economic_import_unchanged": 0,
                    "economic_import_skipped": 1,
                    "economic_import_error": False,
                }
            ],
        )
        self.assertIn("Customer 13 skipped", settings.economic_import_notes)
        self.assertTrue(settings.economic_last_import)

    def test_import_now_failure_is_shown_and_kept(self):
        self.fake.add_customers(3)
        self.fake.fail_next(401)
        settings = self.settings_form(self.user_admin).save()
        action = settings.action_economic_import_customers()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            "refused the user name, password or token", action["params"]["message"]
        )
        self.assertIn(
            "refused the user name, password or token",
            self.company.economic_import_error,
        )
        self.assertFalse(self.economic_partners())
        self.assertFalse(self.company.economic_last_import)

    def test_only_administrators_read_the_tokens(self):
        for user in (self.user_sale_manager, self.user_salesman):
            company = self.company.with_user(user)
            for field in TOKEN_FIELDS:
                with self.subTest(user=user.login, field=field):
                    with self.assertRaises(AccessError):
                        company.read([field])
                    self.assertNotIn(field, company.fields_get())
        admin_company = self.company.with_user(self.user_admin)
        self.assertEqual(
            admin_company.read(list(TOKEN_FIELDS))[0]["economic_app_secret_token"],
            APP_TOKEN,
        )
        settings = self.settings_form(self.user_admin)
        self.assertEqual(settings.economic_agreement_grant_token, GRANT_TOKEN)
        for field in TOKEN_FIELDS:
            self.assertEqual(
                self.env["res.config.settings"]._fields[field].groups,
                "base.group_system",
            )
            self.assertEqual(
                self.env["res.company"]._fields[field].groups, "base.group_system"
            )

    @contextmanager
    def capture_all_logs(self):
        """Capture every record of every logger, Odoo's SQL queries included."""
        odoo_logger = logging.getLogger("odoo")
        level = odoo_logger.level
        odoo_logger.setLevel(logging.DEBUG)
        try:
            with self.assertLogs(level=logging.DEBUG) as logs:
                yield logs
        finally:
            odoo_logger.setLevel(level)

    def test_tokens_never_in_logs_messages_or_chatter(self):
        self.fake.add_customers(1200)
        self.fake.add_raw({"customerNumber": 1201, "name": None})
        partner = self.Partner.create(
            {
                "name": "Odense Træ ApS",
                "is_company": True,
                "company_registry": "13585628",
            }
        )
        messages = []
        with self.capture_all_logs() as logs:
            self.Api._import_customers(self.company)
            # failing calls: refused create, server errors, wrong rights
            self.company.economic_vat_zone = 77
            with self.assertRaises(UserError) as refused:
                partner.action_create_in_economic()
            messages.append(refused.exception.args[0])
            for status in (401, 403, 500):
                self.fake.fail_next(status, times=4)
                with self.assertRaises(UserError) as failed:
                    self.Api._test_connection(self.company)
                messages.append(failed.exception.args[0])
                self.fake.clear_failures()
            self.company.economic_last_import = False
            self.fake.fail_next(500, times=4)
            self.Api._cron_import_customers()
            messages.append(self.company.economic_import_error)

        output = "\n".join(logs.output)
        # the capture saw the client's own lines, down to DEBUG
        self.assertIn("e-conomic: GET /customers -> HTTP 200", output)
        self.assertIn("e-conomic POST /customers -> HTTP 400", output)
        self.assertIn("e-conomic customer 1201 skipped", output)
        self.assertIn("odoo.sql_db", output)
        self.assertEqual(len(messages), 5)
        for token in (APP_TOKEN, GRANT_TOKEN):
            self.assertNotIn(token, output)
            for message in messages:
                self.assertNotIn(token, message)
            self.assertFalse(
                self.env["mail.message"].search_count(
                    ["|", ("body", "ilike", token), ("subject", "ilike", token)]
                )
            )
            self.assertFalse(
                self.env["mail.tracking.value"].search_count(
                    [
                        "|",
                        ("old_value_char", "ilike", token),
                        ("new_value_char", "ilike", token),
                    ]
                )
            )

    def test_partner_form_shows_economic_fields(self):
        self.partner_form_company = self.Partner.create(
            {"name": "Aalborg Smedie ApS", "is_company": True}
        )
        arch = self.Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_create_in_economic"', arch)
        self.assertIn('name="economic_customer_number"', arch)
        with Form(self.partner_form_company) as form:
            form.economic_customer_number = 314
        self.assertEqual(self.partner_form_company.economic_customer_number, 314)
        self.assertTrue(self.partner_form_company.economic_enabled)
