import logging
import time

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import users
from odoo.tools import mute_logger

from odoo.addons.tracelink_crm.tools.exceptions import ServiceTimeout

from .economic_common import TracelinkEconomicCommon

GATEWAY_LOGGER = "odoo.addons.tracelink_crm.models.tracelink_economic_api"


class TestEconomicCustomer(TracelinkEconomicCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cvr = cls.cvrs[0]
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Vejle Maskinfabrik ApS",
                "is_company": True,
                "company_registry": cls.cvr,
                "vat": f"DK{cls.cvr}",
                "street": "Industrivej 4",
                "zip": "7100",
                "city": "Vejle",
                "country_id": cls.env.ref("base.dk").id,
                "email": "info@vejle-maskinfabrik.dk",
                "phone": "75 12 34 56",
            }
        )

    def customers_with_cvr(self, cvr):
        return [
            customer
            for customer in self.fake.customers.values()
            if str(customer.get("corporateIdentificationNumber", "")).endswith(cvr)
        ]

    # Create in e-conomic -------------------------------------------------

    def test_create_in_economic(self):
        action = self.partner.action_create_in_economic()

        (customer,) = self.fake.customers.values()
        self.assertEqual(
            self.partner.economic_customer_number, customer["customerNumber"]
        )
        self.assertTrue(self.partner.economic_last_sync)
        self.assertEqual(
            {key: customer[key] for key in customer if key not in ("lastUpdated",)},
            {
                "customerNumber": customer["customerNumber"],
                "name": "Vejle Maskinfabrik ApS",
                "corporateIdentificationNumber": self.cvr,
                "address": "Industrivej 4",
                "zip": "7100",
                "city": "Vejle",
                "country": self.env.ref("base.dk").name,
                "email": "info@vejle-maskinfabrik.dk",
                "telephoneAndFaxNumber": "75 12 34 56",
                "currency": "DKK",
                "customerGroup": {"customerGroupNumber": 1},
                "paymentTerms": {"paymentTermsNumber": 1},
                "vatZone": {"vatZoneNumber": 1},
                "balance": 0.0,
                "dueAmount": 0.0,
            },
        )
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("created in e-conomic as customer", action["params"]["message"])
        # looked up by CVR (both spellings) before the one create
        lookups = self.requests_to("GET", "/customers")
        self.assertEqual(
            [r.args["filter"] for r in lookups],
            [
                f"corporateIdentificationNumber$eq:{self.cvr}",
                f"corporateIdentificationNumber$eq:DK{self.cvr}",
            ],
        )
        self.assertEqual(self.fake.count("POST", "/customers"), 1)
        with self.assertRaisesRegex(UserError, "already e-conomic customer"):
            self.partner.action_create_in_economic()
        self.assertEqual(len(self.fake.customers), 1)

    def test_create_in_economic_links_existing_customer_by_cvr(self):
        self.fake.add_customer(
            "Vejle Maskinfabrik", number=77, corporateIdentificationNumber=self.cvr
        )
        action = self.partner.action_create_in_economic()
        self.assertEqual(self.partner.economic_customer_number, 77)
        self.assertIn("existing e-conomic customer 77", action["params"]["message"])
        self.assertEqual(self.fake.count("POST", "/customers"), 0)
        self.assertEqual(len(self.fake.customers), 1)

    def _wait_for_held_create(self):
        """The held answer reaches the server's log only after the delay, when
        the test is over: wait for it, so that the next test starts with a
        quiet server (else it finds this test's POST in its log)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            request.method == "POST" for request, _response in self.server.log
        ):
            time.sleep(0.1)

    def test_create_is_idempotent_after_timeout(self):
        # e-conomic stores the customer, then answers too late for Odoo
        self.fake.timeout_after_create = True
        self.fake.create_delay = 11
        self.addCleanup(self._wait_for_held_create)
        with self.assertLogs(GATEWAY_LOGGER, logging.INFO) as logs:
            action = self.partner.action_create_in_economic()

        self.assertEqual(self.fake.count("POST", "/customers"), 1)
        (customer,) = self.customers_with_cvr(self.cvr)
        self.assertEqual(len(self.fake.customers), 1)
        number = customer["customerNumber"]
        self.assertEqual(self.partner.economic_customer_number, number)
        self.assertEqual(
            self.Partner.search_count([("economic_customer_number", "=", number)]), 1
        )
        self.assertEqual(action["params"]["type"], "success")
        output = "\n".join(logs.output)
        self.assertIn("got no answer", output)
        self.assertIn(f"exists after all as number {number}", output)

    def test_create_without_cvr_after_server_error_looks_up_then_retries(self):
        partner = self.Partner.create(
            {"name": "Hamburg Präzision GmbH", "is_company": True, "city": "Hamburg"}
        )
        # the create is refused before anything is stored
        self.fake.fail_next(503)
        partner.action_create_in_economic()

        self.assertEqual(self.fake.count("POST", "/customers"), 2)
        self.assertEqual(len(self.requests_to("GET", "/customers")), 1)
        (customer,) = self.fake.customers.values()
        self.assertEqual(customer["name"], "Hamburg Präzision GmbH")
        self.assertEqual(partner.economic_customer_number, customer["customerNumber"])

    def test_validation_error_shows_economic_messages(self):
        self.company.economic_payment_terms = 99
        with self.assertRaises(UserError) as caught:
            self.partner.action_create_in_economic()
        message = caught.exception.args[0]
        self.assertIn("e-conomic refused the request: Validation failed.", message)
        self.assertIn("- paymentTerms: Payment terms not found.", message)
        self.assertIn("e-conomic log id", message)
        self.assertFalse(self.partner.economic_customer_number)
        self.assertFalse(self.fake.customers)

    def test_missing_default_is_reported_before_any_create(self):
        self.company.economic_customer_group = 0
        with self.assertRaisesRegex(UserError, "customer_group"):
            self.partner.action_create_in_economic()
        self.assertEqual(self.fake.count("POST", "/customers"), 0)

    def test_only_companies_go_to_economic(self):
        person = self.Partner.create(
            {"name": "Jens Jensen", "parent_id": self.partner.id}
        )
        with self.assertRaisesRegex(UserError, "Only companies"):
            person.action_create_in_economic()
        self.assertFalse(self.server.log)

    def test_demo_tokens_read_but_cannot_create(self):
        self.company.write(
            {
                "economic_app_secret_token": "demo",
                "economic_agreement_grant_token": "demo",
            }
        )
        self.assertEqual(self.Api._test_connection(self.company), (1, "Demo agreement"))
        self.fake.add_customers(3)
        self.assertEqual(self.Api._import_customers(self.company)["created"], 3)
        with self.assertRaises(UserError) as caught:
            self.partner.action_create_in_economic()
        self.assertIn("lack the rights", caught.exception.args[0])
        self.assertIn("demo agreement is read-only", caught.exception.args[0])

    # Error messages ----------------------------------------------------

    def test_error_messages(self):
        cases = [
            (401, {}, "did not accept the tokens"),
            (403, {}, "lack the rights"),
            (404, {}, "does not know the requested record"),
            (429, {"times": 4, "retry_after": 0}, "call quota is used up"),
            (500, {"times": 4}, "cannot be reached right now"),
            (200, {"body": "<html>Maintenance</html>"}, "cannot be understood"),
        ]
        for status, options, expected in cases:
            with self.subTest(status=status):
                self.fake.clear_failures()
                self.fake.fail_next(status, **options)
                with self.assertRaises(UserError) as caught:
                    self.Api._test_connection(self.company)
                self.assertIn(expected, caught.exception.args[0])

    def test_error_message_missing_tokens_and_timeout(self):
        self.company.economic_app_secret_token = False
        with self.assertRaisesRegex(UserError, "tokens are not set"):
            self.Api._test_connection(self.company)
        self.assertFalse(self.server.log)
        message = self.Api._economic_error_message(
            ServiceTimeout("e-conomic did not answer GET /self within 30 s")
        )
        self.assertIn("did not answer in time", message)
        self.assertIn("within 30 s", message)

    # The New CVR customer wizard's extension point ----------------------

    def wizard_vals(self, **values):
        vals = {
            "name": "Herning Stål A/S",
            "is_company": True,
            "company_registry": self.cvrs[1],
            "vat": f"DK{self.cvrs[1]}",
            "street": "Fabriksvej 2",
            "zip": "7400",
            "city": "Herning",
            "country_id": self.env.ref("base.dk").id,
        }
        vals.update(values)
        return vals

    def test_prepare_customer_from_cvr_creates_in_economic(self):
        vals = self.wizard_vals()
        result = self.Partner._prepare_customer_from_cvr(vals)
        (customer,) = self.fake.customers.values()
        self.assertEqual(customer["name"], "Herning Stål A/S")
        self.assertEqual(customer["corporateIdentificationNumber"], self.cvrs[1])
        self.assertEqual(result["economic_customer_number"], customer["customerNumber"])
        self.assertTrue(result["economic_last_sync"])
        self.assertEqual({k: result[k] for k in vals}, vals)
        partner = self.Partner.create(result)
        self.assertEqual(partner.economic_customer_number, customer["customerNumber"])

    def test_prepare_customer_from_cvr_finds_existing_customer(self):
        self.fake.add_customer(
            "Herning Stål", number=42, corporateIdentificationNumber=self.cvrs[1]
        )
        result = self.Partner._prepare_customer_from_cvr(self.wizard_vals())
        self.assertEqual(result["economic_customer_number"], 42)
        self.assertEqual(self.fake.count("POST", "/customers"), 0)

    def test_prepare_customer_from_cvr_disabled_calls_nothing(self):
        self.company.economic_enabled = False
        vals = self.wizard_vals()
        self.assertEqual(self.Partner._prepare_customer_from_cvr(vals), vals)
        self.assertFalse(self.server.log)

    def test_prepare_customer_from_cvr_refused_raises(self):
        self.company.economic_vat_zone = 42
        with self.assertRaises(UserError) as caught:
            self.Partner._prepare_customer_from_cvr(self.wizard_vals())
        self.assertIn("vatZone: VAT zone not found.", caught.exception.args[0])
        self.assertFalse(self.fake.customers)

    def test_prepare_customer_from_cvr_customer_linked_elsewhere(self):
        self.fake.add_customer(
            "Herning Stål", number=42, corporateIdentificationNumber=self.cvrs[1]
        )
        self.Partner.create(
            {"name": "Herning (gammel)", "economic_customer_number": 42}
        )
        with self.assertRaisesRegex(UserError, "linked to the contact Herning"):
            self.Partner._prepare_customer_from_cvr(self.wizard_vals())

    # Access rights ------------------------------------------------------

    @users("tl_eco_salesman")
    def test_salesman_creates_in_economic_without_seeing_tokens(self):
        partner = self.partner.with_env(self.env)
        partner.action_create_in_economic()
        self.assertTrue(partner.economic_customer_number)
        company = self.company.with_env(self.env)
        with self.assertRaises(AccessError):
            company.read(["economic_app_secret_token"])
        with self.assertRaises(AccessError):
            company.read(["economic_agreement_grant_token"])

    # Unique customer number --------------------------------------------

    def test_customer_number_unique_per_company(self):
        self.assertIn(
            "res_partner_economic_customer_number_uniq", self.registry._sql_constraints
        )
        other_company = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        mine = self.Partner.create(
            {"name": "A", "company_id": self.company.id, "economic_customer_number": 5}
        )
        # another company may use the same number
        theirs = self.Partner.create(
            {"name": "B", "company_id": other_company.id, "economic_customer_number": 5}
        )
        # the same company may not (the index, when inserting)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Partner.create(
                {
                    "name": "C",
                    "company_id": self.company.id,
                    "economic_customer_number": 5,
                }
            )
        # nor when writing
        unlinked = self.Partner.create({"name": "D", "company_id": self.company.id})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            unlinked.economic_customer_number = 5
            unlinked.flush_recordset()
        # a contact without company is seen by all companies
        with self.assertRaisesRegex(ValidationError, "already used by A"):
            self.Partner.create({"name": "E", "economic_customer_number": 5})
        shared = self.Partner.create({"name": "F", "economic_customer_number": 6})
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Partner.create({"name": "G", "economic_customer_number": 6})
        with self.assertRaises(ValidationError):
            theirs.company_id = False
        # unlinked contacts do not collide
        unlinked.economic_customer_number = False
        self.Partner.create({"name": "H", "economic_customer_number": 0})
        self.assertEqual(mine.economic_customer_number, 5)
        self.assertEqual(shared.economic_customer_number, 6)
