"""e-conomic invoice state of 10,000 orders: HTTP calls and time of the sync.

Fed to ``odoo-bin shell`` on a database with tracelink_economic installed;
the throwaway-database wrapper makes one and drops it afterwards::

    bash scripts/bench.sh bench/bench_economic_invoice_sync.py

Starts the local fake e-conomic (the addon's ``tests/stand_ins/fake_economic.py``)
and makes ``BENCH_ORDERS`` confirmed orders (default 10,000) whose invoice
drafts are in e-conomic; the stand-in holds them booked by the bookkeeper.
Then times the scheduled read of the invoices' state, page by page as
ir.cron calls it (``tracelink.economic.connection._sync_invoice_page``):

1. the first read after the bookings: every invoice is new (``/invoices/booked``
   after the last booked number seen, 1,000 a page);
2. after payments (30 % paid, 10 % partly paid, 5 % overdue): nothing new is
   booked, the orders still open are checked against ``/invoices/unpaid``.

Prints the HTTP calls, SQL queries and seconds of each, and the states the
orders end in. The aim: at most 15 calls for 10,000 invoices. Everything is
rolled back.
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

N_ORDERS = int(os.environ.get("BENCH_ORDERS", "10000"))
APP_TOKEN = "bench-app-secret-token"
GRANT_TOKEN = "bench-agreement-grant-token"

env = globals()["env"]  # given by odoo-bin shell


def make_orders(company, partner):
    start = time.perf_counter()
    Order = env["sale.order"].with_context(tracking_disable=True)
    # one dict per order: create() writes each order's name into its own
    orders = Order.create(
        [{"partner_id": partner.id, "company_id": company.id} for _ in range(N_ORDERS)]
    )
    orders.write({"state": "sale", "economic_invoice_state": "draft"})
    env.flush_all()
    print(f"{N_ORDERS} orders made in {time.perf_counter() - start:.1f} s")
    return orders


def timed_sync(connection, fake):
    cr = env.cr
    env.flush_all()
    queries = cr.sql_log_count
    calls = sum(fake.calls.values())
    start = time.perf_counter()
    ticks = 0
    left = True
    while left:
        ticks += 1
        _read, left = connection._sync_invoice_page()
    env.flush_all()
    return (
        sum(fake.calls.values()) - calls,
        cr.sql_log_count - queries,
        time.perf_counter() - start,
        ticks,
    )


def report(label, figures, orders):
    calls, queries, seconds, ticks = figures
    states = {}
    for state in orders.mapped("economic_invoice_state"):
        states[state] = states.get(state, 0) + 1
    print(
        f"{label}: {calls} HTTP calls in {ticks} cron calls, {queries} SQL queries, "
        f"{seconds:.2f} s ({seconds / N_ORDERS * 1000:.2f} ms per order); "
        f"states {dict(sorted(states.items()))}"
    )
    return calls


def main():
    fake = FakeEconomic(APP_TOKEN, GRANT_TOKEN)
    fake.rate_tokens = 10**9
    server = fake.start_server()
    try:
        company = env.company
        partner = env["res.partner"].create({"name": "Bench Kunde ApS"})
        orders = make_orders(company, partner)
        # the bookkeeper booked every draft in e-conomic
        fake.add_booked(N_ORDERS, start=1, customer=1)
        for number, order in enumerate(orders, 1):
            fake.booked[number]["references"]["other"] = order.name
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
                "invoice_enabled": True,
                "invoice_layout_id": layout.id,
            }
        )
        first = report("first read (all booked)", timed_sync(connection, fake), orders)
        for number in range(1, N_ORDERS + 1):
            if number % 10 < 3:
                fake.pay(number)
            elif number % 10 == 3:
                fake.pay(number, 100.0)
            elif number % 20 == 4:
                fake.booked[number]["dueDate"] = "2020-01-31"
        orders.invalidate_recordset()
        second = report("read after payments", timed_sync(connection, fake), orders)
        verdict = "ok" if max(first, second) <= 15 else "OVER"
        print(f"calls per read: {first} and {second} (aim: at most 15): {verdict}")
    finally:
        server.stop()
        env.cr.rollback()


main()
