from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged, users

from .common import TracelinkCvrCommon

CREDENTIALS = ("cvr_cvrapi_token", "cvr_virk_username", "cvr_virk_password")


@tagged("post_install", "-at_install")
class TestCvrSettings(TracelinkCvrCommon):
    """CVR register settings: provider, addresses, credentials and timeout per
    company (credentials for administrators only); cache time and look-up
    limit for the whole database. In General Settings, without CRM."""

    def test_administrator_sets_provider_and_credentials(self):
        admin = self.env.ref("base.user_admin")
        self.company.write({"cvr_timeout": 10})
        with Form(self.env["res.config.settings"].with_user(admin)) as form:
            self.assertEqual(form.cvr_provider, "cvrapi")
            form.cvr_provider = "virk"
            form.cvr_virk_username = self.fake_virk.username
            form.cvr_virk_password = self.fake_virk.password
            form.cvr_timeout = 20
            form.cvr_cache_hours = 48
        form.record.execute()
        self.assertRecordValues(
            self.company,
            [
                {
                    "cvr_provider": "virk",
                    "cvr_virk_username": "tracelink",
                    "cvr_virk_password": "s3cret",
                    "cvr_timeout": 20,
                }
            ],
        )
        ICP = self.env["ir.config_parameter"]
        self.assertEqual(ICP.get_param("tracelink_cvr.cache_hours"), "48")
        # the settings are used by the next look-up
        companies = self.env["tracelink.cvr.api"]._cvr_search("Eksempel")
        self.assertEqual(len(companies), 2)
        self.assertEqual(len(self.fake_virk.calls), 1)
        self.assertFalse(self.fake_api.calls)

    def test_cvrapi_token_and_user_agent_are_sent(self):
        self.company.write(
            {
                "cvr_cvrapi_token": "abc123",
                "cvr_cvrapi_user_agent": "Tracelink CRM - test - it@example.dk",
            }
        )
        self.env["tracelink.cvr.api"]._cvr_get("13585628")
        [call] = self.fake_api.calls
        self.assertEqual(call["args"]["token"], "abc123")
        self.assertEqual(
            call["headers"]["User-Agent"], "Tracelink CRM - test - it@example.dk"
        )

    def test_settings_are_per_company(self):
        sister = self.env["res.company"].create({"name": "Søster ApS"})
        self.assertRecordValues(
            sister,
            [
                {
                    "cvr_provider": "cvrapi",
                    "cvr_cvrapi_url": "https://cvrapi.dk",
                    "cvr_virk_url": "https://distribution.virk.dk",
                    "cvr_timeout": 10,
                }
            ],
        )
        # No e-mail or website: no contact, so no User-Agent cvrapi.dk accepts.
        self.assertFalse(sister._get_cvr_user_agent())
        sister.website = "https://soester.example.dk"
        self.assertEqual(
            sister._get_cvr_user_agent(),
            "Tracelink CRM - customer lookup - https://soester.example.dk",
        )

    def test_credentials_only_to_https_addresses(self):
        self.company.cvr_cvrapi_url = "http://cvrapi.example.dk"  # no token: fine
        with self.assertRaisesRegex(ValidationError, "https://"):
            self.company.write({"cvr_cvrapi_token": "abc123"})
        self.company.write(
            {"cvr_cvrapi_url": "https://cvrapi.dk", "cvr_cvrapi_token": "abc123"}
        )
        self.company.cvr_virk_url = "https://distribution.virk.dk"
        self.company.cvr_virk_url = "http://localhost:8099"
        with self.assertRaisesRegex(ValidationError, "https://"):
            self.company.write({"cvr_virk_url": "http://distribution.virk.dk"})

    def test_user_agent_is_checked_when_saved(self):
        admin = self.env.ref("base.user_admin")
        for user_agent in (
            "Tracelink CRM – customer lookup – it@example.dk",  # en dashes
            "Tracelink CRM - customer lookup - “it@example.dk”",
            "Tracelink CRM - customer lookup - Tracelink ApS",  # no contact
            "Tracelink CRM",
        ):
            with self.subTest(user_agent=user_agent):
                form = Form(self.env["res.config.settings"].with_user(admin))
                form.cvr_cvrapi_user_agent = user_agent
                with self.assertRaises(ValidationError):
                    form.save().execute()
        form = Form(self.env["res.config.settings"].with_user(admin))
        form.cvr_cvrapi_user_agent = "Tracelink CRM - customer lookup - it@example.dk"
        form.save().execute()
        self.assertEqual(
            self.company.cvr_cvrapi_user_agent,
            "Tracelink CRM - customer lookup - it@example.dk",
        )

    def test_look_up_without_contact_is_refused_before_any_call(self):
        self.company.write({"email": False, "website": False})
        with self.assertRaisesRegex(UserError, "does not accept the User-Agent"):
            self.env["tracelink.cvr.api"]._cvr_get("13585628")
        self.assertFalse(self.fake_api.calls)

    def test_invalid_limits(self):
        with self.assertRaises(ValidationError):
            self.company.cvr_timeout = 0
        admin = self.env.ref("base.user_admin")
        for name in ("cvr_cache_hours", "cvr_lookup_limit"):
            with self.subTest(field=name), self.assertRaises(ValidationError):
                with Form(self.env["res.config.settings"].with_user(admin)) as form:
                    form[name] = -1

    def test_database_wide_limits_start_with_the_addon_and_keep_zero(self):
        """The addon's data give the first values; 0 (never reuse, no limit)
        survives a save although Odoo stores it by removing the parameter."""
        params = self.env.ref("tracelink_cvr.ir_config_parameter_cache_hours")
        self.assertEqual(params.value, "24")
        limit = self.env.ref("tracelink_cvr.ir_config_parameter_lookup_limit")
        self.assertEqual(limit.value, "30")
        admin = self.env.ref("base.user_admin")
        with Form(self.env["res.config.settings"].with_user(admin)) as form:
            self.assertEqual((form.cvr_cache_hours, form.cvr_lookup_limit), (24, 30))
            form.cvr_cache_hours = 0
            form.cvr_lookup_limit = 0
        form.record.execute()
        form = Form(self.env["res.config.settings"].with_user(admin))
        self.assertEqual((form.cvr_cache_hours, form.cvr_lookup_limit), (0, 0))
        # no reuse: the register is asked each time
        Api = self.env["tracelink.cvr.api"]
        Api._cvr_get("13585628")
        Api._cvr_get("13585628")
        self.assertEqual(len(self.fake_api.calls), 2)

    def test_settings_in_general_settings(self):
        """The block sits in General Settings, next to Contacts: no CRM app
        is needed to reach it."""
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="tracelink_cvr_settings"', arch)
        for name in ("cvr_provider", "cvr_timeout", "cvr_cache_hours"):
            self.assertIn(f'name="{name}"', arch)

    @users("tl_contacts", "tl_internal")
    def test_credentials_hidden_from_other_users(self):
        company = self.company.with_env(self.env)
        fields = self.env["res.company"].fields_get()
        self.assertIn("cvr_provider", fields)
        for name in CREDENTIALS:
            with self.subTest(field=name):
                self.assertNotIn(name, fields)
                with self.assertRaises(AccessError):
                    company.read([name])
        self.assertEqual(company.read(["cvr_provider"])[0]["cvr_provider"], "cvrapi")
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].create({})
