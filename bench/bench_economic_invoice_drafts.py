"""e-conomic invoice drafts of 1,000 orders against a plain order confirm.

Fed to ``odoo-bin shell`` on a database with tracelink_economic installed;
the throwaway-database wrapper makes one and drops it afterwards::

    bash scripts/bench.sh bench/bench_economic_invoice_drafts.py

Starts the local fake e-conomic (the addon's ``tests/stand_ins/fake_economic.py``),
makes ``BENCH_ORDERS`` quotations (default 1,000) of 3 product lines, a
section and a note, and times:

1. a plain ``sale.order.action_confirm()`` of all of them (invoices off);
2. the same confirm with drafts made on confirmation: each order's draft
   sent to the stand-in (its products, units, then ``POST /invoices/drafts``).

Prints the time per order of both, their ratio, the HTTP calls and SQL
queries per order. The stand-in answers at once, on this machine: against
e-conomic each call adds its network time. Everything is rolled back.
"""

import importlib.util
import os
import time

from odoo.modules.module import get_module_path

_spec = importlib.util.spec_from_file_location(
    "fake_economic",
    os.path.join(
        get_module_path("tracelink_economic"), "tests", "stand_ins", "fake_economic.py"
    ),
)
_fake_economic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fake_economic)
FakeEconomic = _fake_economic.FakeEconomic

N_ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
APP_TOKEN = "bench-app-secret-token"
GRANT_TOKEN = "bench-agreement-grant-token"

env = globals()["env"]  # given by odoo-bin shell


def make_quotations(partner, products):
    lines = [
        (0, 0, {"display_type": "line_section", "name": "Rammer"}),
        *(
            (0, 0, {"product_id": p.id, "product_uom_qty": 4, "price_unit": 125.5})
            for p in products
        ),
        (0, 0, {"display_type": "line_note", "name": "Leveres på paller"}),
    ]
    return env["sale.order"].create(
        [{"partner_id": partner.id, "order_line": lines} for _ in range(N_ORDERS)]
    )


def timed_confirm(orders, fake):
    cr = env.cr
    env.flush_all()
    queries = cr.sql_log_count
    calls = sum(fake.calls.values())
    start = time.perf_counter()
    orders.action_confirm()
    env.flush_all()
    return (
        time.perf_counter() - start,
        cr.sql_log_count - queries,
        sum(fake.calls.values()) - calls,
    )


def main():
    fake = FakeEconomic(APP_TOKEN, GRANT_TOKEN)
    fake.rate_tokens = 10**9
    server = fake.start_server()
    try:
        company = env.company
        customer = fake.add_customer("Bench Kunde ApS")
        partner = env["res.partner"].create(
            {"name": "Bench Kunde ApS", "is_company": True}
        )
        partner.with_company(company).economic_customer_number = customer[
            "customerNumber"
        ]
        products = env["product.product"].create(
            [
                {"name": f"Vare {n}", "default_code": f"V-{n}", "list_price": 125.5}
                for n in range(3)
            ]
        )
        for product in products:
            fake.add_product(product.default_code, product.name)
        layout = env["tracelink.economic.layout"].create(
            {"name": "Standard faktura", "number": 19, "company_id": company.id}
        )
        Connection = env["tracelink.economic.connection"]
        connection = Connection.search([("company_id", "=", company.id)])
        connection = connection or Connection.create({"company_id": company.id})
        connection.write(
            {
                "state": "enabled",
                "base_url": server.url_for("/"),
                "app_secret_token": APP_TOKEN,
                "agreement_grant_token": GRANT_TOKEN,
                "invoice_enabled": False,
                "invoice_layout_id": layout.id,
                "invoice_trigger": "confirm",
            }
        )
        plain = make_quotations(partner, products)
        drafted = make_quotations(partner, products)
        plain_time, plain_queries, _calls = timed_confirm(plain, fake)
        connection.invoice_enabled = True
        draft_time, draft_queries, calls = timed_confirm(drafted, fake)
        made = len(fake.drafts)
        print(
            f"{N_ORDERS} orders, 3 product lines each; {made} drafts made in the "
            "stand-in"
        )
        print(
            f"plain confirm: {plain_time / N_ORDERS * 1000:.1f} ms per order, "
            f"{plain_queries / N_ORDERS:.1f} queries per order"
        )
        print(
            f"confirm with e-conomic draft: {draft_time / N_ORDERS * 1000:.1f} ms "
            f"per order, {draft_queries / N_ORDERS:.1f} queries, "
            f"{calls / N_ORDERS:.1f} HTTP calls per order"
        )
        print(f"ratio: {draft_time / plain_time:.2f}")
    finally:
        server.stop()
        env.cr.rollback()


main()
