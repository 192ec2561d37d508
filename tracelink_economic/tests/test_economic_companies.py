from .common import TracelinkEconomicCommon
from .stand_ins.fake_economic import FakeEconomic

APP_TOKEN_B = "app-secret-b-4c1d7e90aa21"
GRANT_TOKEN_B = "grant-secret-b-93f0b2d4c817"

# What company A sees of a partner: its data and its own link.
A_FIELDS = (
    "name",
    "email",
    "street",
    "zip",
    "city",
    "vat",
    "company_registry",
    "company_id",
    "economic_customer_number",
    "economic_last_sync",
)


class TestEconomicCompanies(TracelinkEconomicCommon):
    """Two companies, each with its own e-conomic agreement, in one database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server_b = FakeEconomic(APP_TOKEN_B, GRANT_TOKEN_B).start_server()
        cls.addClassCleanup(cls.server_b.stop)
        cls.company_b = cls.env["res.company"].create({"name": "Søsterselskab ApS"})
        cls.connection_b = cls.Connection.create(
            cls.connection_vals(
                cls.server_b, cls.company_b, app=APP_TOKEN_B, grant=GRANT_TOKEN_B
            )
        )

    def setUp(self):
        super().setUp()
        self.server_b.clear()
        self.fake_b = FakeEconomic(APP_TOKEN_B, GRANT_TOKEN_B)
        self.fake_b.install(self.server_b)

    def seen_by(self, company, partners):
        return partners.with_company(company).read(A_FIELDS)

    def test_two_agreements_with_overlapping_numbers_share_a_partner(self):
        cvr_shared, cvr_beta = self.cvrs[:2]
        shared = self.Partner.create(
            {
                "name": "Fælles Kunde ApS",
                "is_company": True,
                "company_registry": cvr_shared,
            }
        )
        self.fake.add_customer(
            "Fælles Kunde ApS",
            number=1,
            corporateIdentificationNumber=cvr_shared,
            email="info@faelles.dk",
            address="Havnegade 1",
            zip="7100",
            city="Vejle",
        )
        self.fake.add_customer("Alfa Smedie ApS", number=2, zip="8000", city="Aarhus C")
        # B numbers its customers too: 1 is another company, 2 the shared one
        # (its CVR number typed with spaces, its own spelling, mail and city)
        self.fake_b.add_customer(
            "Beta Plast A/S", number=1, corporateIdentificationNumber=cvr_beta
        )
        spaced = (
            f"DK {cvr_shared[:2]} {cvr_shared[2:4]} {cvr_shared[4:6]} {cvr_shared[6:]}"
        )
        self.fake_b.add_customer(
            "Fælles Kunde (B) ApS",
            number=2,
            corporateIdentificationNumber=spaced,
            email="bogholderi@faelles.dk",
            zip="6000",
            city="Kolding",
        )

        self.import_all()
        partners_a = self.economic_partners() | shared
        self.assertEqual(len(partners_a), 2)
        before = self.seen_by(self.company, partners_a)
        self.assertEqual(shared.with_company(self.company).economic_customer_number, 1)
        self.assertEqual(shared.city, "Vejle")

        result = self.import_all(self.connection_b)

        self.assertEqual(
            result,
            {"created": 1, "updated": 1, "unchanged": 0, "skipped": 0},
        )
        # nothing of A changed: data, links, sync stamps
        self.assertEqual(self.seen_by(self.company, partners_a), before)
        # B keeps its own link to the shared partner, and its own partner
        self.assertEqual(
            shared.with_company(self.company_b).economic_customer_number, 2
        )
        beta = self.economic_partners(self.company_b)
        self.assertEqual(beta.name, "Beta Plast A/S")
        self.assertFalse(beta.with_company(self.company).economic_customer_number)
        self.assertEqual(
            self.Partner.with_company(self.company_b).search(
                [("economic_customer_number", "=", 1)]
            ),
            beta,
        )
        self.assertEqual(
            self.Partner.with_company(self.company).search(
                [("economic_customer_number", "=", 1)]
            ),
            shared,
        )
        # the import of A again: everything unchanged, B's link kept
        result = self.import_all()
        self.assertEqual(result["unchanged"], 2)
        self.assertEqual(
            shared.with_company(self.company_b).economic_customer_number, 2
        )
        self.assertEqual(shared.name, "Fælles Kunde ApS")

    def test_create_in_economic_of_a_partner_linked_by_another_company(self):
        shared = self.Partner.create({"name": "Fælles Værktøj ApS", "is_company": True})
        shared.with_company(self.company).economic_customer_number = 7
        self.fake_b.add_customers(3)

        shared.with_company(self.company_b).action_create_in_economic()

        (customer,) = [
            c for c in self.fake_b.customers.values() if c["name"] == shared.name
        ]
        self.assertEqual(
            shared.with_company(self.company_b).economic_customer_number,
            customer["customerNumber"],
        )
        self.assertEqual(shared.with_company(self.company).economic_customer_number, 7)
        self.assertFalse(self.server.log)

    def test_number_reused_with_another_cvr_is_skipped_and_noted(self):
        cvr_old, cvr_new = self.cvrs[2:4]
        partner = self.Partner.create(
            {
                "name": "Gammel Kunde ApS",
                "is_company": True,
                "company_registry": cvr_old,
                "email": "info@gammel.dk",
                "economic_customer_number": 5,
            }
        )
        # customer 5 was deleted in e-conomic and the number given to another
        self.fake.add_customer(
            "Ny Kunde ApS",
            number=5,
            corporateIdentificationNumber=cvr_new,
            email="info@ny.dk",
        )

        result = self.import_all()

        self.assertEqual(
            result,
            {"created": 0, "updated": 0, "unchanged": 0, "skipped": 1},
        )
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Gammel Kunde ApS",
                    "email": "info@gammel.dk",
                    "company_registry": cvr_old,
                    "economic_customer_number": 5,
                }
            ],
        )
        notes = self.connection.import_notes
        self.assertIn("Customer 5 skipped", notes)
        self.assertIn(f"CVR number {cvr_old} differs from e-conomic's {cvr_new}", notes)
        self.assertEqual(len(self.Partner.search([("name", "=", "Ny Kunde ApS")])), 0)

    def test_identifying_numbers_are_kept_and_changes_summed_up(self):
        cvr = self.cvrs[4]
        partner = self.Partner.create(
            {
                "name": "Nordisk Trælast",
                "is_company": True,
                "vat": "SE556677889901",
                "email": "gammel@traelast.dk",
                "city": "Vejle",
                "economic_customer_number": 8,
            }
        )
        self.fake.add_customer(
            "Nordisk Trælast A/S",
            number=8,
            corporateIdentificationNumber=cvr,
            email="info@traelast.dk",
            city="Vejle",
        )
        messages_before = partner.message_ids

        result = self.import_all()

        self.assertEqual(result["updated"], 1)
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Nordisk Trælast A/S",
                    "email": "info@traelast.dk",
                    # filled because empty
                    "company_registry": cvr,
                    # never replaced
                    "vat": "SE556677889901",
                }
            ],
        )
        new_messages = partner.message_ids - messages_before
        self.assertEqual(len(new_messages), 1, "one summary message per partner")
        body = new_messages.body
        self.assertIn("customer 8", body)
        self.assertIn("Nordisk Trælast → Nordisk Trælast A/S", body)
        self.assertIn("gammel@traelast.dk → info@traelast.dk", body)
        self.assertIn(f"(empty) → {cvr}", body)
        self.assertIn(f"kept: SE556677889901 (e-conomic has DK{cvr})", body)
        self.assertNotIn("Vejle", body)

        # nothing new in e-conomic: nothing written, no new message
        self.connection.last_import = False
        result = self.import_all()
        self.assertEqual(result["unchanged"], 1)
        self.assertEqual(partner.message_ids - messages_before, new_messages)

    def test_customers_without_cvr_match_by_name_and_zip(self):
        single = self.Partner.create(
            {"name": "Jysk  VVS ApS", "is_company": True, "zip": "8000"}
        )
        twin_1 = self.Partner.create(
            {"name": "Fynsk El ApS", "is_company": True, "zip": "5000"}
        )
        twin_2 = self.Partner.create(
            {"name": "fynsk el aps", "is_company": True, "zip": "5000"}
        )
        # same name elsewhere: not the same customer
        other_zip = self.Partner.create(
            {"name": "Dansk Revision ApS", "is_company": True, "zip": "9000"}
        )
        self.fake.add_customer("Jysk VVS ApS", number=1, zip="8000", city="Aarhus C")
        self.fake.add_customer("Fynsk El ApS", number=2, zip="5000")
        self.fake.add_customer("Dansk Revision ApS", number=3, zip="1050")

        result = self.import_all()

        self.assertEqual(
            result,
            {"created": 1, "updated": 1, "unchanged": 0, "skipped": 1},
        )
        self.assertEqual(single.economic_customer_number, 1)
        self.assertEqual(single.city, "Aarhus C")
        self.assertFalse(any((twin_1 | twin_2).mapped("economic_customer_number")))
        self.assertIn("several contacts are named", self.connection.import_notes)
        self.assertFalse(other_zip.economic_customer_number)
        created = self.Partner.search([("economic_customer_number", "=", 3)])
        self.assertNotEqual(created, other_zip)
        self.assertEqual(created.zip, "1050")
