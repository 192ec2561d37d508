import random
from datetime import datetime, timezone
from functools import partial
from unittest.mock import patch

from odoo.tests import TransactionCase, new_test_user

from ..models import tracelink_economic_connection
from ..tools.economic_client import EconomicClient
from .stand_ins.fake_economic import FakeEconomic, make_cvr

# Long enough to be recognisable in any text they could leak into.
APP_TOKEN = "app-secret-7d2e9a41c0f3"
GRANT_TOKEN = "grant-secret-5b8f3c6e12a9"


def economic_stamp(moment=None):
    """Format a moment as e-conomic's ``lastUpdated`` (now by default)."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TracelinkEconomicCommon(TransactionCase):
    """A local fake e-conomic and the company's connection to it.

    The HTTP server lives for the class; every test gets a fresh, empty
    ``self.fake`` agreement behind it (``self.server.log`` holds the requests
    of the test). Retried reads do not wait (the connection's client is made
    without backoff).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeEconomic(APP_TOKEN, GRANT_TOKEN).start_server()
        cls.addClassCleanup(cls.server.stop)
        cls.company = cls.env.company
        # a Danish company, whatever demo data made of the main one
        cls.company.country_id = cls.env.ref("base.dk")
        cls.Connection = cls.env["tracelink.economic.connection"]
        cls.Connection.search([("company_id", "=", cls.company.id)]).unlink()
        cls.connection = cls.Connection.create(cls.connection_vals(cls.server))
        cls.Partner = cls.env["res.partner"]
        cls.startClassPatcher(
            patch.object(
                tracelink_economic_connection,
                "EconomicClient",
                partial(EconomicClient, backoff=0.0),
            )
        )
        cls.user_salesman = new_test_user(
            cls.env,
            login="tl_eco_salesman",
            name="Sigrid Sælger",
            # may edit contacts, as salespeople do where CRM is installed
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        cls.user_sale_manager = new_test_user(
            cls.env,
            login="tl_eco_manager",
            name="Morten Salgschef",
            groups="sales_team.group_sale_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="tl_eco_admin",
            name="Anna Administrator",
            groups="base.group_system,sales_team.group_sale_manager",
        )
        rng = random.Random(5)
        cls.cvrs = []
        while len(cls.cvrs) < 6:
            cvr = make_cvr(rng)
            if cvr not in cls.cvrs:
                cls.cvrs.append(cvr)

    @classmethod
    def connection_vals(cls, server, company=None, app=APP_TOKEN, grant=GRANT_TOKEN):
        """An enabled connection of ``company`` to the fake behind ``server``."""
        return {
            "company_id": (company or cls.company).id,
            "state": "enabled",
            "base_url": server.url_for("/"),
            "app_secret_token": app,
            "agreement_grant_token": grant,
            "timeout": 10,
            "currency_id": cls.env.ref("base.DKK").id,
        }

    def setUp(self):
        super().setUp()
        self.server.clear()
        self.fake = FakeEconomic(APP_TOKEN, GRANT_TOKEN)
        self.fake.install(self.server)

    def requests_to(self, method, path):
        """The requests of this test to ``path`` (werkzeug request objects)."""
        return [
            request
            for request, _response in self.server.log
            if request.method == method and request.path.rstrip("/") == path
        ]

    def economic_partners(self, company=None):
        """The partners of ``company`` it has linked to e-conomic customers."""
        company = company or self.company
        return (
            self.Partner.with_company(company)
            .with_context(active_test=False)
            .search(
                [
                    ("economic_customer_number", "!=", False),
                    ("company_id", "=", company.id),
                ]
            )
        )

    def import_all(self, connection=None):
        """The whole import run of ``connection``, page by page as the
        scheduled import lands them; its figures."""
        connection = connection or self.connection
        left = True
        while left:
            _landed, left = connection._import_page()
        return self.import_figures(connection)

    def import_figures(self, connection=None):
        connection = connection or self.connection
        return {
            key: connection[f"import_{key}"]
            for key in ("created", "updated", "unchanged", "skipped")
        }
