from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tools import mute_logger

from odoo.addons.tracelink_cvr.tests.common import cron_progress

from ..models.tracelink_economic_connection import IMPORT_LOCK
from .common import TracelinkEconomicCommon
from .stand_ins.fake_economic import FakeEconomic

CONNECTION_LOGGER = (
    "odoo.addons.tracelink_economic.models.tracelink_economic_connection"
)


class TestEconomicImportRun(TracelinkEconomicCommon):
    """How a run of the customer import goes: one page per call of the
    scheduled action (ir.cron's progress API calls again while customers are
    left), a checkpoint to resume from, failures noted on the connection,
    never two runs of one company at once, Import now."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("tracelink_economic.ir_cron_economic_import_customers")

    def cron_call(self):
        """One call of the scheduled action; the progress it reported."""
        return cron_progress(self.env, self.Connection._cron_import_customers)

    def sister_connection(self, app_token="other-app-token-123"):
        """Another company with its own agreement in its own fake e-conomic,
        reached with ``app_token``: ``(fake, server, connection)``."""
        company = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        fake = FakeEconomic("other-app-token-123", "other-grant-token-456")
        server = fake.start_server()
        self.addCleanup(server.stop)
        vals = self.connection_vals(
            server, company, app=app_token, grant="other-grant-token-456"
        )
        return fake, server, self.Connection.create(vals)

    def page_filters(self):
        return [r.args.get("filter") for r in self.requests_to("GET", "/customers")]

    def test_cron_lands_one_page_per_call(self):
        self.assertEqual(
            (self.cron.interval_number, self.cron.interval_type), (1, "hours")
        )
        self.fake.add_customers(2500)

        self.assertEqual(self.cron_call(), (1000, 1500))
        self.assertRecordValues(
            self.connection,
            [{"import_page": 1, "import_last_number": 1000, "last_import": False}],
        )
        self.assertTrue(self.connection.import_started)
        self.assertEqual(len(self.economic_partners()), 1000)
        self.assertEqual(self.cron_call(), (1000, 500))
        self.assertEqual(self.cron_call(), (500, 0))

        self.assertEqual(
            self.page_filters(),
            [None, "customerNumber$gt:1000", "customerNumber$gt:2000"],
        )
        self.assertEqual(len(self.economic_partners()), 2500)
        self.assertRecordValues(
            self.connection,
            [{"import_created": 2500, "import_page": 0, "import_started": False}],
        )
        self.assertTrue(self.connection.last_import)

    def test_odoo_calls_the_cron_again_while_customers_are_left(self):
        """Odoo's own cron runner: the job runs three times for three pages,
        a commit after each (a savepoint in tests), and is done."""
        self.fake.add_customers(2500)
        self.env.flush_all()
        job = self.cron.read(load=None)[0]
        self.registry.enter_test_mode(self.cr)
        try:
            self.registry["ir.cron"]._process_job(
                self.registry.db_name,
                self.registry.cursor(),
                {**job, "done": 0, "remaining": 0, "timed_out_counter": 0},
            )
        finally:
            self.registry.leave_test_mode()
        self.env.invalidate_all()
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id"
        )
        self.assertEqual(
            [(p.done, p.remaining) for p in progress][-3:],
            [(1000, 1500), (1000, 500), (500, 0)],
        )
        self.assertEqual(len(self.economic_partners()), 2500)
        self.assertTrue(self.connection.last_import)

    def test_failed_page_is_noted_and_the_run_resumes_from_it(self):
        self.fake.add_customers(1500)
        # the second page fails every time: e-conomic is down mid-run
        self.server.clear()
        self.server.expect_request(
            "/customers",
            query_string={
                "pagesize": "1000",
                "sort": "customerNumber",
                "filter": "customerNumber$gt:1000",
            },
        ).respond_with_json({"message": "Internal error", "logId": "x-1"}, status=500)
        self.fake.install(self.server)

        self.assertEqual(self.cron_call(), (1000, 500))
        with mute_logger(CONNECTION_LOGGER):
            # the failing page leaves nothing for this round
            self.assertEqual(self.cron_call(), (0, 0))

        # the first page landed; last_import waits for the whole run
        self.assertEqual(len(self.economic_partners()), 1000)
        self.assertRecordValues(
            self.connection,
            [{"import_page": 1, "import_last_number": 1000, "last_import": False}],
        )
        error = self.connection.import_error
        self.assertIn("cannot be reached", error)
        self.assertIn("x-1", error)
        self.assertIn("The customer import failed", self.connection.message_ids[0].body)
        self.assertIn("x-1", self.connection.message_ids[0].body)
        # reads were retried before giving up
        self.assertEqual(len(self.requests_to("GET", "/customers")), 1 + 4)

        # the next hourly call goes on from the checkpoint
        self.server.clear()
        self.fake.install(self.server)
        self.assertEqual(self.cron_call(), (500, 0))
        self.assertEqual(self.page_filters(), ["customerNumber$gt:1000"])
        self.assertEqual(len(self.economic_partners()), 1500)
        self.assertRecordValues(
            self.connection,
            [{"import_created": 1500, "import_error": False, "import_started": False}],
        )
        self.assertTrue(self.connection.last_import)

    def test_interrupted_run_resumes_at_the_next_page(self):
        """Each call's work is committed with its checkpoint: whatever stops
        the run between calls, the next call asks for the page after it."""
        self.fake.add_customers(5000)
        self.cron_call()
        self.cron_call()
        self.assertRecordValues(
            self.connection,
            [
                {
                    "import_page": 2,
                    "import_last_number": 2000,
                    "import_created": 2000,
                    "last_import": False,
                }
            ],
        )
        started = self.connection.import_started
        self.server.clear_log()

        while self.cron_call()[1]:
            pass

        self.assertEqual(
            self.page_filters(),
            [
                "customerNumber$gt:2000",
                "customerNumber$gt:3000",
                "customerNumber$gt:4000",
            ],
        )
        partners = self.economic_partners()
        self.assertEqual(
            sorted(partners.mapped("economic_customer_number")), list(range(1, 5001))
        )
        self.assertRecordValues(
            self.connection,
            [
                {
                    "import_page": 0,
                    "import_started": False,
                    "last_import": started,
                    "import_created": 5000,
                    "import_skipped": 0,
                }
            ],
        )

    def test_cron_goes_on_after_a_failing_company(self):
        other_fake, other_server, other = self.sister_connection("wrong-app-token-000")
        other_company = other.company_id
        other_fake.add_customers(3)
        self.fake.add_customers(4)
        disabled_company = self.env["res.company"].create({"name": "Slukket ApS"})
        disabled = self.Connection.create(
            dict(self.connection_vals(self.server, disabled_company), state="disabled")
        )

        with mute_logger(CONNECTION_LOGGER):
            self.assertEqual(self.cron_call(), (4, 0))

        self.assertEqual(len(self.economic_partners()), 4)
        self.assertFalse(self.economic_partners(other_company))
        self.assertIn("refused the user name, password or token", other.import_error)
        self.assertFalse(disabled.import_started or disabled.import_error)
        self.assertFalse(self.connection.import_error)
        self.assertTrue(self.connection.last_import)

    def test_only_runs_under_way_go_on_until_they_end(self):
        """Calls made while a run is under way land its pages only: a
        connection whose run ended starts again at the next hourly call."""
        other_fake, other_server, other = self.sister_connection()
        other_fake.add_customers(2)
        self.fake.add_customers(1200)
        self.assertEqual(self.cron_call(), (1002, 200))
        self.assertEqual(other.import_created, 2)
        self.assertFalse(other.import_started)
        other_server.clear_log()
        self.assertEqual(self.cron_call(), (200, 0))
        self.assertFalse(other_server.log)
        # the next hourly call: both again, changes only
        self.assertEqual(self.cron_call(), (0, 0))
        self.assertEqual(len(other_server.log), 1)

    def test_conflict_with_another_transaction_is_tried_again(self):
        """A lock held by another transaction is no fault of the customers:
        nothing is skipped nor noted, and the next call lands the page."""
        self.fake.add_customers(30)
        Partner = type(self.env["res.partner"])
        import_customers = Partner._economic_import_customers
        calls = []

        def meet_a_lock_once(partner_self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                # another transaction holds a row this page needs
                with self.registry.cursor() as other_cr:
                    other_cr.execute(
                        "SELECT id FROM res_country WHERE code = 'SE' FOR UPDATE"
                    )
                    self.env.cr.execute(
                        "SELECT id FROM res_country WHERE code = 'SE' FOR UPDATE NOWAIT"
                    )
            return import_customers(partner_self, *args, **kwargs)

        with (
            patch.object(Partner, "_economic_import_customers", meet_a_lock_once),
            mute_logger("odoo.sql_db"),
        ):
            self.assertEqual(self.cron_call(), (0, 1))
            self.assertFalse(self.economic_partners())
            self.assertFalse(self.connection.import_error)
            self.assertEqual(self.cron_call(), (30, 0))

        self.assertEqual(len(calls), 2)
        self.assertEqual(
            self.import_figures(),
            {"created": 30, "updated": 0, "unchanged": 0, "skipped": 0},
        )

    def test_second_import_of_a_company_is_refused_while_one_runs(self):
        self.fake.add_customers(5)
        admin_connection = self.connection.with_user(self.user_admin)
        with self.registry.cursor() as other_cr:
            # the cron is importing this company in another transaction
            other_cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                (IMPORT_LOCK, self.company.id),
            )
            self.assertTrue(other_cr.fetchone()[0])
            with self.assertRaisesRegex(UserError, "already running"):
                self.connection._import_page()
            action = admin_connection.action_import_now()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertIn("already running", action["params"]["message"])
            # the cron leaves the company to the running import
            self.assertEqual(self.cron_call(), (0, 0))
            self.assertFalse(self.server.log)
            self.assertFalse(self.connection.import_error)
        self.assertEqual(self.import_all()["created"], 5)

    def test_disabled_connection_is_not_imported(self):
        self.fake.add_customers(3)
        self.connection.state = "disabled"
        with self.assertRaisesRegex(UserError, "not enabled"):
            self.connection.with_user(self.user_admin).action_import_now()
        self.assertEqual(self.cron_call(), (0, 0))
        self.assertFalse(self.server.log)
        self.assertFalse(self.economic_partners())

    # Import now -----------------------------------------------------------

    def test_import_now_of_a_small_agreement_is_done_at_once(self):
        self.fake.add_customers(12)
        self.fake.add_raw({"customerNumber": 13, "name": ""})
        with mute_logger("odoo.addons.tracelink_economic.models.res_partner"):
            action = self.connection.with_user(self.user_admin).action_import_now()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("12 created", action["params"]["message"])
        self.assertIn("1 skipped", action["params"]["message"])
        self.assertRecordValues(
            self.connection,
            [
                {
                    "import_created": 12,
                    "import_skipped": 1,
                    "import_error": False,
                    "import_started": False,
                }
            ],
        )
        self.assertIn("Customer 13 skipped", self.connection.import_notes)
        summary = self.connection.message_ids[0].body
        self.assertIn("12 created", summary)
        self.assertIn("Customer 13 skipped", summary)
        self.assertFalse(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        )

    def test_import_now_lands_a_page_and_leaves_the_rest_to_the_cron(self):
        self.fake.add_customers(1500)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        action = self.connection.with_user(self.user_admin).action_import_now()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("1000 e-conomic customers imported", action["params"]["message"])
        self.assertIn("the 500 left follow", action["params"]["message"])
        self.assertEqual(len(self.economic_partners()), 1000)
        # the scheduled import is called at once, and goes on with this run
        new_triggers = (
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
            - triggers
        )
        self.assertEqual(len(new_triggers), 1)
        self.assertEqual(self.cron_call(), (500, 0))
        self.assertEqual(len(self.economic_partners()), 1500)
        self.assertIn("1500 created", self.connection.message_ids[0].body)

    def test_import_now_failure_is_shown_and_kept(self):
        self.fake.add_customers(3)
        self.fake.fail_next(401)
        with mute_logger(CONNECTION_LOGGER):
            action = self.connection.with_user(self.user_admin).action_import_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            "refused the user name, password or token", action["params"]["message"]
        )
        self.assertIn(
            "refused the user name, password or token", self.connection.import_error
        )
        self.assertFalse(self.economic_partners())
        self.assertFalse(self.connection.last_import)
