import logging
from datetime import timedelta

from odoo import fields
from odoo.tools import mute_logger

from ..tools.economic_mapping import (
    partner_vals_from_values,
    partner_values_from_customer,
)
from .common import TracelinkEconomicCommon, economic_stamp

PARTNER_LOGGER = "odoo.addons.tracelink_economic.models.res_partner"


class TestEconomicImport(TracelinkEconomicCommon):
    """What a run of the customer import makes of e-conomic's customers:
    partners created, matched, updated or left alone, skipped customers."""

    def test_first_import_reads_every_page(self):
        customers = self.fake.add_customers(2500)
        result = self.import_all()

        self.assertEqual(
            result,
            {"created": 2500, "updated": 0, "unchanged": 0, "skipped": 0},
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
            self.connection,
            [
                {
                    "import_created": 2500,
                    "import_updated": 0,
                    "import_skipped": 0,
                    "import_error": False,
                    "import_notes": False,
                    "import_started": False,
                }
            ],
        )
        self.assertTrue(self.connection.last_import)
        # the run's summary is a message on the connection
        summary = self.connection.message_ids[:1]
        self.assertIn("2500 created, 0 updated, 0 unchanged, 0 skipped", summary.body)
        self.assertIn("all customers", summary.body)

    def test_country_names_in_danish_are_recognised(self):
        countries = self.connection._country_lookup()
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
        self.import_all()
        first_run = self.connection.last_import
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

        result = self.import_all()

        self.assertEqual(
            result,
            {"created": 1, "updated": 2, "unchanged": 0, "skipped": 0},
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
        self.assertGreaterEqual(self.connection.last_import, first_run)

        # nothing changed since: nothing to do
        self.server.clear_log()
        self.connection.last_import = self.connection.last_import + (
            timedelta(minutes=10)
        )
        result = self.import_all()
        self.assertEqual(
            result,
            {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0},
        )

    def test_full_reimport_writes_nothing_that_did_not_change(self):
        self.fake.add_customers(40)
        self.import_all()
        self.connection.last_import = False
        result = self.import_all()
        self.assertEqual(
            result,
            {"created": 0, "updated": 0, "unchanged": 40, "skipped": 0},
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

        result = self.import_all()

        self.assertEqual(
            result,
            {"created": 2, "updated": 2, "unchanged": 0, "skipped": 0},
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
            self.assertLogs(PARTNER_LOGGER, logging.WARNING) as logs,
            mute_logger("odoo.sql_db"),
        ):
            result = self.import_all()

        self.assertEqual(
            result,
            {"created": 6, "updated": 0, "unchanged": 0, "skipped": 3},
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
        self.assertEqual(self.connection.import_skipped, 3)
        self.assertIn("Customer 6 skipped", self.connection.import_notes)
        self.assertIn("Customer 3000000000 skipped", self.connection.import_notes)

    def test_import_costs_what_a_plain_create_costs(self):
        customers = self.fake.add_customers(1000)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.connection._import_page()  # one page: all 1000
        self.env.flush_all()
        import_queries = self.env.cr.sql_log_count - before

        # the same partners created in one batch (in another company)
        other_company = self.env["res.company"].create({"name": "Søster ApS"})
        countries = self.connection._country_lookup()
        values_list = [partner_values_from_customer(c) for c in customers]
        vals_list = [
            dict(
                partner_vals_from_values(
                    values, countries.get(values["country_name"].casefold())
                ),
                economic_customer_number=values["economic_number"],
                economic_last_sync=fields.Datetime.now(),
                company_id=other_company.id,
                is_company=True,
                customer_rank=1,
            )
            for values in values_list
        ]
        Partner = self.Partner.sudo().with_company(other_company)
        Partner = Partner.with_context(active_test=False, tracking_disable=True)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Partner.create(vals_list)
        self.env.flush_all()
        create_queries = self.env.cr.sql_log_count - before

        # paging, matching, bookkeeping and the country names cost a few
        # queries per page, not per customer
        self.assertLessEqual(
            import_queries,
            create_queries + 40,
            f"import: {import_queries} queries, plain create: {create_queries}",
        )
