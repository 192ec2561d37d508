import logging
import time
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import users
from odoo.tools import mute_logger

from odoo.addons.tracelink_cvr.tools.exceptions import (
    ServiceTimeout,
    ServiceUnavailable,
)

from .common import TracelinkEconomicCommon

CONNECTION_LOGGER = (
    "odoo.addons.tracelink_economic.models.tracelink_economic_connection"
)


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

    def _hold_created_answer(self, seconds):
        """e-conomic stores the customer, then answers ``seconds`` too late.
        The held answer reaches the server's log only after the delay, when the
        test may be over: wait it out at cleanup, so that the next test starts
        with a quiet server (else it finds this test's POST in its log)."""
        self.fake.timeout_after_create = True
        self.fake.create_delay = seconds
        until = time.monotonic() + seconds + 1
        self.addCleanup(lambda: time.sleep(max(0.0, until - time.monotonic())))

    def test_create_is_idempotent_after_timeout(self):
        # e-conomic stores the customer, then answers too late for Odoo
        self._hold_created_answer(11)
        with self.assertLogs(CONNECTION_LOGGER, logging.INFO) as logs:
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

    def test_create_without_cvr_is_idempotent_across_retries(self):
        partner = self.Partner.create(
            {"name": "Bremen Fördertechnik GmbH", "is_company": True, "city": "Bremen"}
        )
        # e-conomic stores the customer, then answers too late for Odoo (tests
        # wait at least 10 s) ...
        self._hold_created_answer(11)
        # ... and cannot be reached for the lookup that follows
        lookup = patch.object(
            type(self.connection),
            "_find_customer",
            side_effect=[None, ServiceUnavailable("Cannot connect to e-conomic.")],
        )
        with (
            lookup,
            self.assertRaisesRegex(UserError, "cannot be reached"),
            self.env.cr.savepoint(),
            mute_logger(CONNECTION_LOGGER),
        ):
            partner.action_create_in_economic()
        partner.invalidate_recordset()
        self.assertFalse(partner.economic_customer_number)
        self.assertEqual(len(self.fake.customers), 1)

        # the user tries again: the same create, the same key, no second customer
        self.fake.timeout_after_create = False
        partner.action_create_in_economic()

        (customer,) = self.fake.customers.values()
        self.assertEqual(partner.economic_customer_number, customer["customerNumber"])
        self.assertEqual(self.fake.count("POST", "/customers"), 2)
        (key,) = set(self.fake.idempotency_keys)
        self.assertEqual(len(self.fake.idempotency_keys), 2)
        self.assertTrue(key.startswith("tracelink-"))
        # the held answer of the first create reaches the server's log last
        deadline = time.monotonic() + 5
        while (
            time.monotonic() < deadline
            and len(self.requests_to("POST", "/customers")) < 2
        ):
            time.sleep(0.1)
        replays = [
            response
            for request, response in self.server.log
            if request.method == "POST"
            and response.headers.get("X-ResultFromCache") == "true"
        ]
        self.assertEqual(len(replays), 1)
        self.assertEqual(len(self.requests_to("POST", "/customers")), 2)

    def test_vat_zone_follows_the_country(self):
        self.company.country_id = self.env.ref("base.dk")
        cases = [
            ("Vejle Værktøj ApS", "base.dk", 1),
            ("Hamburg Werkzeug GmbH", "base.de", 2),
            ("Boston Tools Inc.", "base.us", 3),
            ("Uden Land ApS", None, 1),
        ]
        for name, country, zone in cases:
            with self.subTest(country=country):
                partner = self.Partner.create(
                    {
                        "name": name,
                        "is_company": True,
                        "country_id": country and self.env.ref(country).id,
                    }
                )
                partner.action_create_in_economic()
                customer = self.fake.customers[partner.economic_customer_number]
                self.assertEqual(customer["vatZone"], {"vatZoneNumber": zone})

    def test_value_too_long_for_economic_is_refused_before_any_call(self):
        partner = self.Partner.create(
            {"name": "Lang By ApS", "is_company": True, "city": "Ø" * 51}
        )
        with self.assertRaises(UserError) as caught:
            partner.action_create_in_economic()
        message = caught.exception.args[0]
        self.assertIn("City of Lang By ApS is longer than e-conomic accepts", message)
        self.assertIn("(50 characters)", message)
        self.assertEqual(self.fake.count("POST", "/customers"), 0)

    def test_validation_error_shows_economic_messages(self):
        self.connection.payment_terms = 99
        with self.assertRaises(UserError) as caught:
            self.partner.action_create_in_economic()
        message = caught.exception.args[0]
        self.assertIn("e-conomic refused the request: Validation failed.", message)
        self.assertIn("- paymentTerms: Payment terms not found.", message)
        self.assertIn("e-conomic log id", message)
        self.assertFalse(self.partner.economic_customer_number)
        self.assertFalse(self.fake.customers)

    def test_missing_default_is_reported_before_any_create(self):
        self.connection.customer_group = 0
        with self.assertRaisesRegex(UserError, "customer_group"):
            self.partner.action_create_in_economic()
        self.assertEqual(self.fake.count("POST", "/customers"), 0)

    def test_company_without_enabled_connection(self):
        self.connection.state = "disabled"
        with self.assertRaisesRegex(UserError, "no enabled e-conomic connection"):
            self.partner.action_create_in_economic()
        self.assertFalse(self.server.log)
        self.assertFalse(self.partner.economic_enabled)

    def test_only_companies_go_to_economic(self):
        person = self.Partner.create(
            {"name": "Jens Jensen", "parent_id": self.partner.id}
        )
        with self.assertRaisesRegex(UserError, "Only companies"):
            person.action_create_in_economic()
        self.assertFalse(self.server.log)

    def test_demo_tokens_read_but_cannot_create(self):
        self.connection.write(
            {"app_secret_token": "demo", "agreement_grant_token": "demo"}
        )
        self.assertEqual(self.connection._test_connection(), (1, "Demo agreement"))
        self.fake.add_customers(3)
        self.assertEqual(self.import_all()["created"], 3)
        with self.assertRaises(UserError) as caught:
            self.partner.action_create_in_economic()
        self.assertIn("lack the rights", caught.exception.args[0])
        self.assertIn("demo agreement is read-only", caught.exception.args[0])

    # Error messages ----------------------------------------------------

    def test_error_messages(self):
        cases = [
            (401, {}, "refused the user name, password or token"),
            (403, {}, "lack the rights"),
            (404, {}, "e-conomic has nothing matching"),
            (429, {"times": 4, "retry_after": 0}, "the quota is used up"),
            (500, {"times": 4}, "cannot be reached right now"),
            (200, {"body": "<html>Maintenance</html>"}, "could not be understood"),
            # /self answered, but names no company
            (200, {"body": {"agreementNumber": 1}}, "could not be understood"),
        ]
        for status, options, expected in cases:
            with self.subTest(status=status):
                self.fake.clear_failures()
                self.fake.fail_next(status, **options)
                with self.assertRaises(UserError) as caught:
                    self.connection._test_connection()
                self.assertIn(expected, caught.exception.args[0])

    def test_error_messages_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(
            ["tracelink_cvr", "tracelink_economic"], ["da_DK"]
        )
        connection = self.connection.with_context(lang="da_DK")
        connection.app_secret_token = False
        with self.assertRaises(UserError) as caught:
            connection._test_connection()
        self.assertIn(
            "Indtast App Secret Token og Agreement Grant Token under Kontakter > "
            "Konfiguration > e-conomic",
            caught.exception.args[0],
        )
        # the shared table of tracelink_cvr, in Danish too
        message = connection._error_message(ServiceUnavailable("down"))
        self.assertIn("kan ikke nås", message)

    def test_error_message_missing_tokens_and_timeout(self):
        self.connection.app_secret_token = False
        with self.assertRaisesRegex(UserError, "tokens are not set"):
            self.connection._test_connection()
        self.assertFalse(self.server.log)
        # the connection's timeout (10 s in these tests) is named
        message = self.connection._error_message(
            ServiceTimeout("e-conomic did not answer GET /self within 10 s")
        )
        self.assertIn("e-conomic did not answer within 10 seconds", message)

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
        self.connection.state = "disabled"
        vals = self.wizard_vals()
        self.assertEqual(self.Partner._prepare_customer_from_cvr(vals), vals)
        self.assertFalse(self.server.log)

    def test_prepare_customer_from_cvr_refused_raises(self):
        self.connection.vat_zone = 42
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
    def test_salesman_may_not_create_in_economic(self):
        partner = self.partner.with_env(self.env)
        with self.assertRaisesRegex(AccessError, "Only sales managers"):
            partner.action_create_in_economic()
        self.assertFalse(self.server.log)
        self.assertFalse(partner.economic_customer_number)

    @users("tl_eco_manager")
    def test_sale_manager_creates_in_economic_without_seeing_tokens(self):
        partner = self.partner.with_env(self.env)
        partner.action_create_in_economic()
        self.assertTrue(partner.economic_customer_number)
        connection = self.connection.with_env(self.env)
        self.assertEqual(connection.read(["state"])[0]["state"], "enabled")
        for field in ("app_secret_token", "agreement_grant_token", "base_url"):
            with self.assertRaises(AccessError):
                connection.read([field])

    @users("tl_eco_manager")
    def test_write_access_is_checked_before_any_call(self):
        self.env["ir.rule"].sudo().create(
            {
                "name": "Vejle Maskinfabrik is read-only here",
                "model_id": self.env.ref("base.model_res_partner").id,
                "domain_force": [("id", "!=", self.partner.id)],
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        partner = self.partner.with_env(self.env)
        with self.assertRaises(AccessError):
            partner.action_create_in_economic()
        self.assertFalse(self.server.log)

    # Unique customer number --------------------------------------------

    def test_customer_number_unique_per_company(self):
        other_company = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        mine = self.Partner.create({"name": "A", "economic_customer_number": 5})
        # another company keeps its own numbers, the same ones included
        theirs = self.Partner.with_company(other_company).create(
            {"name": "B", "company_id": other_company.id, "economic_customer_number": 5}
        )
        mine.with_company(other_company).economic_customer_number = 9
        # one company may not use a number twice, on create or on write
        with self.assertRaisesRegex(ValidationError, "already used by A"):
            self.Partner.create({"name": "C", "economic_customer_number": 5})
        unlinked = self.Partner.create({"name": "D"})
        with (
            self.assertRaisesRegex(ValidationError, "already used by A"),
            self.env.cr.savepoint(),
        ):
            unlinked.economic_customer_number = 5
        unlinked.invalidate_recordset()
        with self.assertRaisesRegex(ValidationError, "already used"):
            self.Partner.create(
                [
                    {"name": "E", "economic_customer_number": 7},
                    {"name": "F", "economic_customer_number": 7},
                ]
            )
        with self.assertRaisesRegex(ValidationError, "negative"):
            self.Partner.create({"name": "N", "economic_customer_number": -3})
        # unlinked contacts do not collide
        self.Partner.create({"name": "G", "economic_customer_number": 0})
        self.assertEqual(mine.economic_customer_number, 5)
        self.assertEqual(mine.with_company(other_company).economic_customer_number, 9)
        self.assertEqual(theirs.with_company(self.company).economic_customer_number, 0)
        self.assertEqual(theirs.with_company(other_company).economic_customer_number, 5)
        self.assertFalse(unlinked.economic_customer_number)
