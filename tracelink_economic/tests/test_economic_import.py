import logging
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from odoo.addons.tracelink_economic.models.tracelink_economic_api import _IMPORT_LOCK
from odoo.addons.tracelink_economic.tests.stand_ins.fake_economic import FakeEconomic
from odoo.addons.tracelink_economic.tools.economic_mapping import (
    partner_values_from_customer,
)

from .common import TracelinkEconomicCommon, economic_stamp

GATEWAY_LOGGER = "odoo.addons.tracelink_economic.models.tracelink_economic_api"


class TestEconomicImport(TracelinkEconomicCommon):
    def test_first_import_reads_every_page(self):
        customers = self.fake.add_customers(2500)
        result = self.Api._import_customers(self.company)

        self.assertEqual(
            result,
            {
                "created": 2500,
                "updated": 0,
                "unchanged": 0,
                "skipped": 0,
                "error": None,
            },
        )
        pages = self.requests_to("GET", "/customers")
        # each page asks for the customers after the last one of the page before
        self.assertEqual(
            [r.args.get("filter") for r in pages],
            [None, "customerNumber$gt:1000", "customerNumber$gt:2000"],
        )
        self.assertEqual({r.args["pagesize"] for r in pages}, {"1000"})
        self.assertEqual({r.args["sort"] for r in pages}, {"customerNumber"})

        partners = self.economic_partners()
        self.assertEqual(len(partners), 2500)
        self.assertEqual(
            sorted(partners.mapped("economic_customer_number")), list(range(1, 2501))
        )
        self.assertTrue(all(partners.mapped("is_company")))
        self.assertTrue(all(partners.mapped("economic_last_sync")))

        sample = next(
            c
            for c in customers
            if c.get("corporateIdentificationNumber") and c.get("website")
        )
        partner = partners.filtered(
            lambda p: p.economic_customer_number == sample["customerNumber"]
        )
        cvr = sample["corporateIdentificationNumber"]
        self.assertRecordValues(
            partner,
            [
                {
                    "name": sample["name"],
                    "street": sample["address"],
                    "zip": sample["zip"],
                    "city": sample["city"],
                    "country_id": self.env.ref("base.dk").id,
                    "email": sample["email"],
                    "phone": sample["telephoneAndFaxNumber"],
                    "website": sample["website"],
                    "company_registry": cvr,
                    "vat": f"DK{cvr}",
                    "company_id": self.company.id,
                    "customer_rank": 1,
                }
            ],
        )
        self.assertRecordValues(
            self.company,
            [
                {
                    "economic_import_created": 2500,
                    "economic_import_updated": 0,
                    "economic_import_skipped": 0,
                    "economic_import_error": False,
                    "economic_import_notes": False,
                }
            ],
        )
        self.assertTrue(self.company.economic_last_import)

    def test_country_names_in_danish_are_recognised(self):
        countries = self.Api._economic_country_lookup()
        for name, xmlid in [
            ("Danmark", "base.dk"),
            ("Tyskland", "base.de"),
            ("østrig", "base.at"),
            ("Holland", "base.nl"),
            ("Nederlandene", "base.nl"),
            ("England", "base.uk"),
            ("SE", "base.se"),
            ("Germany", "base.de"),
        ]:
            with self.subTest(name=name):
                self.assertEqual(countries[name.casefold()], self.env.ref(xmlid).id)

    def test_incremental_import_reads_changes_only(self):
        self.fake.add_customers(30)
        self.Api._import_customers(self.company)
        first_run = self.company.economic_last_import
        unchanged = self.economic_partners().filtered(
            lambda p: p.economic_customer_number == 10
        )
        unchanged_name = unchanged.name

        self.fake.customers[3].update(name="Omdøbt Maskinfabrik ApS")
        self.fake.customers[3]["lastUpdated"] = economic_stamp()
        self.fake.customers[7].update(city="Vejle", zip="7100")
        self.fake.customers[7]["lastUpdated"] = economic_stamp()
        new = self.fake.add_customer("Helt Ny Kunde ApS", city="Aarhus C")
        self.server.clear_log()

        result = self.Api._import_customers(self.company)

        self.assertEqual(
            result,
            {"created": 1, "updated": 2, "unchanged": 0, "skipped": 0, "error": None},
        )
        (request,) = self.requests_to("GET", "/customers")
        since = (first_run - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(request.args["filter"], f"lastUpdated$gt:{since}")
        partners = self.economic_partners()
        self.assertEqual(len(partners), 31)
        by_number = {p.economic_customer_number: p for p in partners}
        self.assertEqual(by_number[3].name, "Omdøbt Maskinfabrik ApS")
        self.assertEqual((by_number[7].city, by_number[7].zip), ("Vejle", "7100"))
        self.assertEqual(by_number[new["customerNumber"]].name, "Helt Ny Kunde ApS")
        self.assertEqual(by_number[10], unchanged)
        self.assertEqual(unchanged.name, unchanged_name)
        self.assertGreaterEqual(self.company.economic_last_import, first_run)

        # nothing changed since: nothing to do
        self.server.clear_log()
        self.company.economic_last_import = self.company.economic_last_import + (
            timedelta(minutes=10)
        )
        result = self.Api._import_customers(self.company)
        self.assertEqual(
            result,
            {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "error": None},
        )

    def test_full_reimport_writes_nothing_that_did_not_change(self):
        self.fake.add_customers(40)
        self.Api._import_customers(self.company)
        self.company.economic_last_import = False
        result = self.Api._import_customers(self.company)
        self.assertEqual(
            result,
            {"created": 0, "updated": 0, "unchanged": 40, "skipped": 0, "error": None},
        )
        self.assertEqual(len(self.economic_partners()), 40)

    def test_match_by_number_then_by_cvr(self):
        cvr_a, cvr_b, cvr_c = self.cvrs[:3]
        self.fake.add_customer(
            "Vejle Maskinfabrik ApS",
            number=101,
            corporateIdentificationNumber=cvr_a,
            city="Vejle",
        )
        self.fake.add_customer(
            "Herning Stål A/S",
            number=102,
            corporateIdentificationNumber=f"DK{cvr_b}",
            city="Herning",
        )
        self.fake.add_customer(
            "Kolding Plast ApS", number=103, corporateIdentificationNumber=cvr_c
        )
        self.fake.add_customer("Ny Kunde ApS", number=104)
        by_number = self.Partner.create(
            {
                "name": "Gammelt Navn ApS",
                "is_company": True,
                "company_id": self.company.id,
                "economic_customer_number": 101,
            }
        )
        # shared partner (no company), found by its CVR number
        herning_before = self.Partner.search([("name", "ilike", "Herning Stål")])
        by_cvr = self.Partner.create(
            {"name": "Herning Stål", "is_company": True, "company_registry": cvr_b}
        )
        contact = self.Partner.create({"name": "Hanne Hansen", "parent_id": by_cvr.id})
        # same CVR but already another e-conomic customer: not taken
        other_link = self.Partner.create(
            {
                "name": "Kolding Plast (gammel)",
                "is_company": True,
                "company_registry": cvr_c,
                "economic_customer_number": 999,
            }
        )

        result = self.Api._import_customers(self.company)

        self.assertEqual(
            result,
            {"created": 2, "updated": 2, "unchanged": 0, "skipped": 0, "error": None},
        )
        self.assertRecordValues(
            by_number,
            [
                {
                    "name": "Vejle Maskinfabrik ApS",
                    "city": "Vejle",
                    "company_registry": cvr_a,
                    "economic_customer_number": 101,
                }
            ],
        )
        self.assertRecordValues(
            by_cvr,
            [
                {
                    "name": "Herning Stål A/S",
                    "city": "Herning",
                    "economic_customer_number": 102,
                    "company_id": False,
                }
            ],
        )
        self.assertFalse(contact.economic_customer_number)
        self.assertEqual(other_link.economic_customer_number, 999)
        kolding = self.Partner.search([("economic_customer_number", "=", 103)])
        self.assertEqual(kolding.name, "Kolding Plast ApS")
        self.assertNotEqual(kolding, other_link)
        # found, not made again (other data may hold its own "Herning Stål")
        self.assertEqual(
            self.Partner.search([("name", "ilike", "Herning Stål")]) - herning_before,
            by_cvr,
        )

    def test_malformed_customers_are_logged_and_skipped(self):
        self.fake.add_customers(5)
        self.fake.add_raw({"customerNumber": 6, "name": 42})
        self.fake.add_raw({"name": "Uden Nummer ApS"})
        # valid for e-conomic's JSON, too large for the database column
        self.fake.add_raw({"customerNumber": 3_000_000_000, "name": "Stort Nummer"})
        self.fake.add_customer("Efter Fejlene ApS", number=8)

        with (
            self.assertLogs(GATEWAY_LOGGER, logging.WARNING) as logs,
            mute_logger("odoo.sql_db"),
        ):
            result = self.Api._import_customers(self.company)

        self.assertEqual(
            result,
            {"created": 6, "updated": 0, "unchanged": 0, "skipped": 3, "error": None},
        )
        output = "\n".join(logs.output)
        self.assertIn("e-conomic customer 6 skipped: ", output)
        self.assertIn("name should be text", output)
        self.assertIn("e-conomic customer None skipped: ", output)
        self.assertIn("e-conomic customer 3000000000 skipped: ", output)
        self.assertEqual(
            sorted(self.economic_partners().mapped("economic_customer_number")),
            [1, 2, 3, 4, 5, 8],
        )
        self.assertEqual(self.company.economic_import_skipped, 3)
        self.assertIn("Customer 6 skipped", self.company.economic_import_notes)
        self.assertIn("Customer 3000000000 skipped", self.company.economic_import_notes)

    def test_failed_run_keeps_landed_pages_and_resumes(self):
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

        self.Api._cron_import_customers()

        # the first page landed; the watermark waits for the whole run
        self.assertEqual(len(self.economic_partners()), 1000)
        self.assertFalse(self.company.economic_last_import)
        self.assertRecordValues(
            self.company,
            [{"economic_import_page": 1, "economic_import_last_number": 1000}],
        )
        self.assertIn("cannot be reached", self.company.economic_import_error)
        self.assertIn("x-1", self.company.economic_import_error)
        # reads were retried before giving up
        self.assertEqual(len(self.requests_to("GET", "/customers")), 1 + 4)

        self.server.clear()
        self.fake.install(self.server)
        result = self.Api._import_customers(self.company)
        (request,) = self.requests_to("GET", "/customers")
        self.assertEqual(request.args["filter"], "customerNumber$gt:1000")
        self.assertEqual(result["created"], 1500)
        self.assertEqual(len(self.economic_partners()), 1500)
        self.assertFalse(self.company.economic_import_error)
        self.assertTrue(self.company.economic_last_import)
        self.assertFalse(self.company.economic_import_started)

    def test_cron_reports_progress(self):
        cron = self.env.ref("tracelink_economic.ir_cron_economic_import_customers")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
        self.fake.add_customers(2500)
        IrCron = type(self.env["ir.cron"])
        notify = IrCron._notify_progress
        reported = []

        def spy(cron_self, *, done, remaining, deactivate=False):
            reported.append((done, remaining))
            return notify(
                cron_self, done=done, remaining=remaining, deactivate=deactivate
            )

        with patch.object(IrCron, "_notify_progress", spy):
            cron.method_direct_trigger()

        # per page, then the total of all companies
        self.assertEqual(reported, [(1000, 1500), (2000, 500), (2500, 0), (2500, 0)])
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual((progress.done, progress.remaining), (2500, 0))
        self.assertEqual(len(self.economic_partners()), 2500)

    def test_cron_goes_on_after_a_failing_company(self):
        other_company = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        other_fake = FakeEconomic("other-app-token-123", "other-grant-token-456")
        other_server = other_fake.start_server()
        self.addCleanup(other_server.stop)
        other_company.write(
            {
                "economic_enabled": True,
                "economic_base_url": other_server.url_for("/"),
                "economic_app_secret_token": "wrong-app-token-000",
                "economic_agreement_grant_token": "other-grant-token-456",
            }
        )
        other_fake.add_customers(3)
        self.fake.add_customers(4)
        disabled = self.env["res.company"].create({"name": "Uden e-conomic ApS"})

        self.Api._cron_import_customers()

        self.assertEqual(len(self.economic_partners()), 4)
        self.assertFalse(self.economic_partners(other_company))
        self.assertIn(
            "refused the user name, password or token",
            other_company.economic_import_error,
        )
        self.assertFalse(disabled.economic_import_error)
        self.assertFalse(self.company.economic_import_error)

    def test_import_costs_what_a_plain_create_costs(self):
        customers = self.fake.add_customers(1000)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.Api._import_customers(self.company)
        self.env.flush_all()
        import_queries = self.env.cr.sql_log_count - before

        # the same partners created in one batch (in another company)
        other_company = self.env["res.company"].create({"name": "Søster ApS"})
        countries = self.Api._economic_country_lookup()
        vals_list = [
            dict(
                self.Api._prepare_partner_vals_from_economic(
                    partner_values_from_customer(customer), countries
                ),
                economic_customer_number=customer["customerNumber"],
                economic_last_sync=fields.Datetime.now(),
                company_id=other_company.id,
                is_company=True,
                customer_rank=1,
            )
            for customer in customers
        ]
        Partner = self.Api._import_partner_model(other_company)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Partner.create(vals_list)
        self.env.flush_all()
        create_queries = self.env.cr.sql_log_count - before

        # paging, matching and bookkeeping cost a few queries per page, not
        # per customer
        self.assertLessEqual(
            import_queries,
            create_queries + 40,
            f"import: {import_queries} queries, plain create: {create_queries}",
        )

    def test_disabled_company_is_not_imported(self):
        self.fake.add_customers(3)
        self.company.economic_enabled = False
        with self.assertRaisesRegex(UserError, "not enabled"):
            self.Api._import_customers(self.company)
        self.Api._cron_import_customers()
        self.assertFalse(self.server.log)
        self.assertFalse(self.economic_partners())

    def test_interrupted_run_resumes_at_the_next_page(self):
        self.fake.add_customers(5000)
        Api = type(self.Api)
        land = Api._land_customer_page
        landed = []

        def land_then_break_down(api_self, *args, **kwargs):
            result = land(api_self, *args, **kwargs)
            landed.append(args[1][0]["customerNumber"])
            if len(landed) == 2:
                # e-conomic goes away after the second page
                self.fake.fail_next(503, times=4)
            return result

        with patch.object(Api, "_land_customer_page", land_then_break_down):
            self.Api._cron_import_customers()

        self.assertEqual(landed, [1, 1001])
        self.assertRecordValues(
            self.company,
            [
                {
                    "economic_import_page": 2,
                    "economic_import_last_number": 2000,
                    "economic_import_created": 2000,
                    "economic_last_import": False,
                }
            ],
        )
        self.assertEqual(len(self.economic_partners()), 2000)
        self.assertIn("cannot be reached", self.company.economic_import_error)
        started = self.company.economic_import_started
        self.assertTrue(started)

        self.server.clear_log()
        self.Api._cron_import_customers()

        pages = self.requests_to("GET", "/customers")
        self.assertEqual(
            [r.args.get("filter") for r in pages],
            [
                "customerNumber$gt:2000",
                "customerNumber$gt:3000",
                "customerNumber$gt:4000",
            ],
        )
        partners = self.economic_partners()
        self.assertEqual(len(partners), 5000)
        self.assertEqual(
            sorted(partners.mapped("economic_customer_number")), list(range(1, 5001))
        )
        self.assertRecordValues(
            self.company,
            [
                {
                    "economic_import_page": 0,
                    "economic_import_started": False,
                    "economic_last_import": started,
                    "economic_import_created": 5000,
                    "economic_import_skipped": 0,
                    "economic_import_error": False,
                }
            ],
        )

    def test_lock_timeout_is_retried_not_skipped(self):
        self.fake.add_customers(30)
        Api = type(self.Api)
        import_page = Api._import_customer_page
        calls = []

        def meet_a_lock_once(api_self, *args, **kwargs):
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
            return import_page(api_self, *args, **kwargs)

        with (
            patch.object(Api, "_import_customer_page", meet_a_lock_once),
            mute_logger("odoo.sql_db"),
        ):
            result = self.Api._import_customers(self.company)

        self.assertEqual(len(calls), 2)
        self.assertEqual(
            result,
            {"created": 30, "updated": 0, "unchanged": 0, "skipped": 0, "error": None},
        )
        self.assertEqual(len(self.economic_partners()), 30)

    def test_second_import_of_a_company_is_refused_while_one_runs(self):
        self.fake.add_customers(5)
        with self.registry.cursor() as other_cr:
            # the cron is importing this company in another transaction
            other_cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)",
                (_IMPORT_LOCK, self.company.id),
            )
            self.assertTrue(other_cr.fetchone()[0])
            with self.assertRaisesRegex(UserError, "already running"):
                self.Api._import_customers(self.company)
            settings = (
                self.env["res.config.settings"].with_user(self.user_admin).create({})
            )
            action = settings.action_economic_import_customers()
            self.assertEqual(action["params"]["type"], "danger")
            self.assertIn("already running", action["params"]["message"])
            # the cron leaves the company to the running import
            self.Api._cron_import_customers()
            self.assertFalse(self.server.log)
            self.assertFalse(self.company.economic_import_error)
        result = self.Api._import_customers(self.company)
        self.assertEqual(result["created"], 5)
