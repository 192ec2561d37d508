"""e-conomic customer import of 10,000 customers against a plain batch create.

Fed to ``odoo-bin shell`` on a database with tracelink_economic installed;
the throwaway-database wrapper makes one and drops it afterwards::

    bash scripts/bench.sh bench/bench_economic_import.py

or, on an existing database (nothing is kept: the shell's transaction is
rolled back)::

    odoo-bin shell -d <db> --log-level=warn < bench/bench_economic_import.py

Starts the local fake e-conomic (the addon's ``tests/stand_ins/fake_economic.py``)
with ``BENCH_CUSTOMERS`` customers (default 10,000), points the company's
connection at it and times a first import, page by page as the scheduled
import lands them (``tracelink.economic.connection._import_page``: paged HTTP
reads, matching, mapping, batch create, checkpoint). Then times a plain batch
``res.partner`` create of the same partner values, with the same context (no
chatter), which is the cost to aim at. Prints the HTTP calls, SQL queries per
customer, customers per second of both, and their ratio (aim: 0.9 or more).
Both are run ``BENCH_ROUNDS`` times (default 3), alternating, and the best
time of each counts: the machine is shared, and the best run is the one least
disturbed by others. Every round is rolled back, and ``res_partner`` vacuumed
before each timed run: the rows a rolled back run leaves dead would slow the
searches of the next import (matching), not the plain create, which searches
nothing.
"""

import importlib.util
import os
import time
from contextlib import closing

import psycopg2

from odoo import fields
from odoo.modules.module import get_module_path
from odoo.sql_db import connection_info_for

from odoo.addons.tracelink_economic.tools.economic_mapping import (
    partner_vals_from_values,
    partner_values_from_customer,
)

# The stand-in is loaded from its file: importing it as part of the addon's
# tests package would load Odoo's test framework into this shell.
_spec = importlib.util.spec_from_file_location(
    "fake_economic",
    os.path.join(
        get_module_path("tracelink_economic"), "tests", "stand_ins", "fake_economic.py"
    ),
)
_fake_economic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fake_economic)
FakeEconomic = _fake_economic.FakeEconomic

N_CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "10000"))
N_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
APP_TOKEN = "bench-app-secret-token"
GRANT_TOKEN = "bench-agreement-grant-token"

env = globals()["env"]  # given by odoo-bin shell


def vacuum():
    """Clear the partner rows of rolled back runs (VACUUM needs a connection
    of its own, outside the shell's transaction)."""
    _db, info = connection_info_for(env.cr.dbname)
    with closing(psycopg2.connect(**info)) as cnx:
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE res_partner")


def connect(company, server):
    """The company's connection, enabled and pointed at the stand-in."""
    Connection = env["tracelink.economic.connection"]
    connection = Connection.search([("company_id", "=", company.id)])
    connection = connection or Connection.create({"company_id": company.id})
    connection.write(
        {
            "state": "enabled",
            "base_url": server.url_for("/"),
            "app_secret_token": APP_TOKEN,
            "agreement_grant_token": GRANT_TOKEN,
            "last_import": False,
            "import_started": False,
        }
    )
    env.flush_all()
    return connection


def timed_import(connection, fake):
    cr = env.cr
    env.flush_all()
    queries = cr.sql_log_count
    calls = sum(fake.calls.values())
    start = time.perf_counter()
    left = True
    while left:
        _landed, left = connection._import_page()
    env.flush_all()
    elapsed = time.perf_counter() - start
    result = {
        key: connection[f"import_{key}"] for key in ("created", "updated", "skipped")
    }
    return (
        result,
        elapsed,
        cr.sql_log_count - queries,
        sum(fake.calls.values()) - calls,
    )


def timed_plain_create(connection, customers):
    """Create the partners the import would create, in one batch."""
    company = connection.company_id
    countries = connection._country_lookup()
    now = fields.Datetime.now()
    vals_list = []
    for customer in customers:
        values = partner_values_from_customer(customer)
        country_id = countries.get(values["country_name"].casefold())
        vals = partner_vals_from_values(values, country_id)
        vals.update(
            economic_customer_number=values["economic_number"],
            economic_last_sync=now,
            company_id=company.id,
            is_company=True,
            customer_rank=1,
        )
        vals_list.append(vals)
    Partner = env["res.partner"].sudo().with_company(company)
    Partner = Partner.with_context(active_test=False, tracking_disable=True)
    cr = env.cr
    env.flush_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    Partner.create(vals_list)
    env.flush_all()
    elapsed = time.perf_counter() - start
    return elapsed, cr.sql_log_count - queries


def main():
    company = env.company
    fake = FakeEconomic(APP_TOKEN, GRANT_TOKEN)
    customers = fake.add_customers(N_CUSTOMERS)
    server = fake.start_server()
    imports, creates = [], []
    try:
        for _round in range(N_ROUNDS):
            vacuum()
            connection = connect(company, server)
            imports.append(timed_import(connection, fake))
            env.cr.rollback()
            vacuum()
            connection = connect(company, server)
            creates.append(timed_plain_create(connection, customers))
            env.cr.rollback()
    finally:
        server.stop()

    result, import_time, import_queries, calls = min(imports, key=lambda r: r[1])
    create_time, create_queries = min(creates)
    import_rate = N_CUSTOMERS / import_time
    create_rate = N_CUSTOMERS / create_time
    print(f"e-conomic customer import: {N_CUSTOMERS} customers, best of {N_ROUNDS}")
    print(
        f"  result: {result['created']} created, {result['updated']} updated, "
        f"{result['skipped']} skipped"
    )
    print(f"  HTTP calls made:               {calls}")
    print(
        f"  SQL queries per customer:      {import_queries / N_CUSTOMERS:.3f} "
        f"({import_queries} queries)"
    )
    print(f"  customers per second:          {import_rate:.0f} ({import_time:.2f} s)")
    print("plain batch res.partner create of the same data")
    print(
        f"  SQL queries per customer:      {create_queries / N_CUSTOMERS:.3f} "
        f"({create_queries} queries)"
    )
    print(f"  customers per second:          {create_rate:.0f} ({create_time:.2f} s)")
    print(
        f"ratio import / plain create:     {import_rate / create_rate:.2f} "
        "(aim: 0.9 or more)"
    )
    print(
        "  all rounds, import s: "
        + ", ".join(f"{r[1]:.2f}" for r in imports)
        + "; plain create s: "
        + ", ".join(f"{r[0]:.2f}" for r in creates)
    )


main()
