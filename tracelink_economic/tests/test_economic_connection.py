import logging
from contextlib import contextmanager

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import APP_TOKEN, GRANT_TOKEN, TracelinkEconomicCommon

TOKEN_FIELDS = ("app_secret_token", "agreement_grant_token")


@tagged("post_install", "-at_install")
class TestEconomicConnection(TracelinkEconomicCommon):
    """The connection record: one per company, set up by administrators
    (who alone see where the tokens go), Test connection."""

    def test_administrator_connects_a_company(self):
        self.connection.unlink()
        Connection = self.Connection.with_user(self.user_admin)
        with Form(Connection) as form:
            self.assertEqual(form.company_id, self.company)
            self.assertEqual(form.state, "disabled")
            self.assertEqual(form.base_url, "https://restapi.e-conomic.com")
            form.base_url = self.server.url_for("/")
            form.app_secret_token = APP_TOKEN
            form.agreement_grant_token = GRANT_TOKEN
            form.payment_terms = 2
            form.state = "enabled"
        connection = form.record
        self.assertRecordValues(
            connection,
            [
                {
                    "company_id": self.company.id,
                    "state": "enabled",
                    "timeout": 30,
                    "customer_group": 1,
                    "payment_terms": 2,
                    "vat_zone": 1,
                    "vat_zone_eu": 2,
                    "vat_zone_abroad": 3,
                    "last_import": False,
                }
            ],
        )
        self.assertEqual(connection.app_secret_token, APP_TOKEN)

        action = connection.action_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("agreement 1234567", action["params"]["message"])
        self.assertIn(self.fake.company_name, action["params"]["message"])
        (request,) = self.requests_to("GET", "/self")
        self.assertEqual(request.headers["X-AppSecretToken"], APP_TOKEN)

        connection.agreement_grant_token = "not-the-right-grant-token"
        with mute_logger("odoo.addons.tracelink_cvr.tools.http_client"):
            action = connection.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            "refused the user name, password or token", action["params"]["message"]
        )

    def test_enabling_and_disabling_is_tracked(self):
        self.connection.state = "disabled"
        self.env.cr.precommit.run()
        tracking = self.connection.message_ids[0].tracking_value_ids
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char), ("Enabled", "Disabled")
        )

    def test_one_connection_per_company(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.Connection.create({"company_id": self.company.id})

    def test_invalid_numbers_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "at least one second"):
            self.connection.timeout = 0
        for field in ("customer_group", "payment_terms", "vat_zone_abroad"):
            with self.subTest(field=field), self.assertRaises(ValidationError):
                self.connection[field] = -1

    def test_plain_http_address_is_refused_at_save_and_at_call(self):
        with self.assertRaisesRegex(ValidationError, "https://"):
            with Form(self.connection.with_user(self.user_admin)) as form:
                form.base_url = "http://restapi.e-conomic.com"
        # an address stored before the check: no token leaves Odoo
        self.env.cr.execute(
            "UPDATE tracelink_economic_connection SET base_url = %s WHERE id = %s",
            ("http://restapi.e-conomic.com", self.connection.id),
        )
        self.connection.invalidate_recordset(["base_url"])
        action = self.connection.with_user(self.user_admin).action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("without https://", action["params"]["message"])
        self.assertFalse(self.fake.calls)

    def test_only_administrators_see_where_the_tokens_go(self):
        for user in (self.user_sale_manager, self.user_admin):
            connection = self.connection.with_user(user)
            # sales managers read the import's notes and errors
            self.assertEqual(connection.read(["state"])[0]["state"], "enabled")
            connection.read(["import_notes", "import_error", "last_import"])
        for field in (*TOKEN_FIELDS, "base_url"):
            with self.subTest(field=field):
                manager = self.connection.with_user(self.user_sale_manager)
                with self.assertRaises(AccessError):
                    manager.read([field])
                self.assertNotIn(field, manager.fields_get())
                self.assertEqual(
                    self.Connection._fields[field].groups, "base.group_system"
                )
        values = self.connection.with_user(self.user_admin).read(list(TOKEN_FIELDS))
        self.assertEqual(values[0]["app_secret_token"], APP_TOKEN)
        # a sales manager changes nothing, tests and imports nothing
        manager = self.connection.with_user(self.user_sale_manager)
        for action in ("action_test_connection", "action_import_now"):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(manager, action)()
        with self.assertRaises(AccessError):
            manager.write({"payment_terms": 3})
        self.assertFalse(self.server.log)
        # salespeople and other users have no access at all
        for user in (self.user_salesman, new_test_user(self.env, login="tl_eco_user")):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.connection.with_user(user).read(["state"])

    def test_each_company_sees_its_own_connection(self):
        other_company = self.env["res.company"].create({"name": "Søster ApS"})
        other = self.Connection.create(self.connection_vals(self.server, other_company))
        admin_here = new_test_user(
            self.env, login="tl_eco_admin_here", groups="base.group_system"
        )
        self.assertEqual(admin_here.company_ids, self.company)
        Connection = self.Connection.with_user(admin_here)
        self.assertEqual(Connection.search([]), self.connection)
        with self.assertRaises(AccessError):
            other.with_user(admin_here).read(["state"])

    def test_menu_and_action_for_administrators(self):
        menu = self.env.ref("tracelink_economic.tracelink_economic_connection_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("contacts.res_partner_menu_config")
        )
        visible = self.env["ir.ui.menu"].with_user(self.user_admin)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        manager_menus = self.env["ir.ui.menu"].with_user(self.user_sale_manager)
        self.assertNotIn(menu.id, manager_menus._visible_menu_ids())
        action = self.Connection._get_company_action(self.company)
        self.assertEqual(
            (action["res_model"], action["res_id"]),
            ("tracelink.economic.connection", self.connection.id),
        )
        other_company = self.env["res.company"].create({"name": "Uden ApS"})
        action = self.Connection._get_company_action(other_company)
        self.assertFalse(action["res_id"])
        self.assertEqual(action["context"]["default_company_id"], other_company.id)

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
            self.import_all()
            # failing calls: refused create, server errors, wrong rights
            self.connection.vat_zone = 77
            with self.assertRaises(UserError) as refused:
                partner.action_create_in_economic()
            messages.append(refused.exception.args[0])
            for status in (401, 403, 500):
                self.fake.fail_next(status, times=4)
                with self.assertRaises(UserError) as failed:
                    self.connection._test_connection()
                messages.append(failed.exception.args[0])
                self.fake.clear_failures()
            self.connection.last_import = False
            self.fake.fail_next(500, times=4)
            self.Connection._cron_import_customers()
            messages.append(self.connection.import_error)

        output = "\n".join(logs.output)
        # the capture saw the client's own lines, down to DEBUG
        self.assertIn("e-conomic: GET /customers -> HTTP 200", output)
        self.assertIn("e-conomic POST /customers -> HTTP 400", output)
        self.assertIn("e-conomic customer 1201 skipped", output)
        self.assertIn("odoo.sql_db", output)
        self.assertEqual(len(messages), 5)
        self.assertTrue(all(messages))
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
        partner = self.Partner.create(
            {"name": "Aalborg Smedie ApS", "is_company": True}
        )
        arch = self.Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_create_in_economic"', arch)
        self.assertIn('name="economic_customer_number"', arch)
        with Form(partner) as form:
            form.economic_customer_number = 314
        self.assertEqual(partner.economic_customer_number, 314)
        self.assertTrue(partner.economic_enabled)
        self.connection.state = "disabled"
        partner.invalidate_recordset(["economic_enabled"])
        self.assertFalse(partner.economic_enabled)
