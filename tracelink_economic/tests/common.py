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


class TracelinkEconomicInvoiceCommon(TracelinkEconomicCommon):
    """Invoices on: layout 19 of the stand-in, the default product "1",
    a Danish customer and an order of sections, notes and two products."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.layout = cls.env["tracelink.economic.layout"].create(
            {"name": "Standard faktura", "number": 19, "company_id": cls.company.id}
        )
        cls.connection.write(
            {
                "invoice_enabled": True,
                "invoice_layout_id": cls.layout.id,
                "invoice_default_product": "1",
            }
        )
        cls.user_accountant = new_test_user(
            cls.env,
            login="tl_eco_accountant",
            name="Bodil Bogholder",
            groups="account.group_account_invoice",
        )
        cls.customer = cls.Partner.create(
            {
                "name": "Eksempel Maskinfabrik ApS",
                "is_company": True,
                "vat": f"DK{cls.cvrs[0]}",
                "street": "Industrivej 4",
                "zip": "7100",
                "city": "Vejle",
                "country_id": cls.env.ref("base.dk").id,
            }
        )
        Product = cls.env["product.product"]
        cls.frame = Product.create(
            {
                "name": "Svejset ramme",
                "default_code": "RAMME-40",
                "list_price": 1200.0,
                "type": "consu",
            }
        )
        cls.bolt = Product.create({"name": "Bolt M6", "list_price": 0.125})
        # prices of a fraction of a krone per piece
        cls.env.ref("product.decimal_price").digits = 4
        cls.env["ir.config_parameter"].sudo().set_param(
            "database.uuid", "tracelink-invoice-tests"
        )

    def setUp(self):
        super().setUp()
        self.fake.add_product("1", "Diverse")
        self.fake.add_product("RAMME-40", "Svejset ramme")

    def stock_aware(self, user):
        """``user`` with Inventory rights where stock is installed (with
        demo data): confirming or changing an order launches its deliveries."""
        group = self.env.ref("stock.group_stock_user", raise_if_not_found=False)
        if group:
            user.groups_id |= group
        return user

    def make_order(self, confirm=True, **vals):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "client_order_ref": "PO-4711",
                "order_line": [
                    (0, 0, {"display_type": "line_section", "name": "Rammer"}),
                    (
                        0,
                        0,
                        {
                            "product_id": self.frame.id,
                            "name": "Svejset ramme 40x40",
                            "product_uom_qty": 3,
                            "price_unit": 1200.0,
                            "discount": 10.0,
                            "tax_id": [(5,)],
                        },
                    ),
                    (0, 0, {"display_type": "line_note", "name": "Leveres på paller"}),
                    (
                        0,
                        0,
                        {
                            "product_id": self.bolt.id,
                            "product_uom_qty": 1000,
                            "price_unit": 0.125,
                            "tax_id": [(5,)],
                        },
                    ),
                ],
                **vals,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def send(self, order, user=None):
        return order.with_user(user or self.user_accountant).action_economic_send()
