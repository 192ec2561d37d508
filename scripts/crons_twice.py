"""The Tracelink scheduled actions run twice at once, on one database.

Fed to ``odoo-bin shell`` by scripts/test_crons_twice.sh, on a database where
the Tracelink addons are installed (a test database: what it makes is
committed and left there).

Odoo runs one job in one cron worker at a time (``ir.cron`` takes the job's
row with ``FOR NO KEY UPDATE SKIP LOCKED``). Here two cron workers (two
threads, each with its own database connection and transactions, as Odoo's
cron threads) run the same jobs at the same moment *without* that lock, so
that only the addons' own locks keep them from doing the work twice:

1. the e-conomic import (``tracelink_economic.ir_cron_economic_import_customers``)
   of ``CRONS_TWICE_CUSTOMERS`` customers (default 2,500: three pages) from
   the local e-conomic stand-in of the tests, each worker running the job as
   Odoo's cron worker does (``ir.cron._run_job``: the server action, called
   again while customers are left, committed between calls) until the run is
   over;
2. the CVR register clean-ups of ``ir.autovacuum`` (expired cached answers,
   day-old look-ups), as the autovacuum job calls them (each method, then a
   commit), on 2,000 old rows each;
3. the CVR watch (``tracelink_cvr.ir_cron_cvr_watch``) of ``N_WATCHED``
   companies due on the cvrapi.dk stand-in, more than its daily budget, each
   worker running the job as Odoo's cron worker does, four times: each CVR
   number is looked up once at most, never more than the budget.

It checks that no work was done twice and nothing failed: every customer
landed as one partner (no number twice), the import's figures count each
customer once, its pages were landed in order and its run is finished
without an error; both workers ran the jobs without failing; every old row
removed, once; no ERROR or CRITICAL log line and no traceback, other than a
query Odoo logs as failed on a conflict with the other worker's transaction,
which the import answers by landing the page at its next call (counted and
printed). Prints ``crons-twice: passed`` or ``crons-twice: FAILED: ...``.
"""

import importlib.util
import logging
import os
import re
import threading
import time
from collections import Counter
from datetime import datetime, timedelta

from stdnum.dk import cvr as stdnum_cvr

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.module import get_module_path

env = globals()["env"]  # given by odoo-bin shell

N_CUSTOMERS = int(os.environ.get("CRONS_TWICE_CUSTOMERS", "2500"))
N_OLD_ROWS = 2000
N_WATCHED = 60  # companies the CVR watch has to check, over its daily budget
FIRST_NUMBER = 700001  # far from any number of the database's own customers
APP_TOKEN = "crons-twice-app-secret-token"
GRANT_TOKEN = "crons-twice-agreement-grant-token"
CONFLICT = re.compile(
    r"could not serialize access|deadlock detected|could not obtain lock"
)


def say(message):
    print(f"[crons-twice] {message}", flush=True)


class Faults(logging.Handler):
    """ERROR and CRITICAL records of any thread; a failed query on a
    conflict with the other transaction apart."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.faults, self.conflicts = [], []

    def emit(self, record):
        message = record.getMessage()
        if record.name == "odoo.sql_db" and CONFLICT.search(message):
            self.conflicts.append(message.splitlines()[0][:200])
        else:
            text = message.splitlines()[0][:300]
            self.faults.append(
                f"{record.name}: {text}"
                + (" (with traceback)" if record.exc_info else "")
            )


def load_fake_cvr():
    path = os.path.join(
        get_module_path("tracelink_cvr"), "tests", "stand_ins", "fake_cvr.py"
    )
    spec = importlib.util.spec_from_file_location("fake_cvr", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def set_up_watch(fake_cvr):
    """``N_WATCHED`` companies marked Watch in CVR, never checked, on the
    cvrapi.dk stand-in; the budget left today. Committed."""
    numbers, candidate = [], 40000000
    while len(numbers) < N_WATCHED:
        candidate += 1
        if stdnum_cvr.is_valid(str(candidate)):
            numbers.append(str(candidate))
    template = fake_cvr.CVRAPI_COMPANIES["13585628"]
    fake = fake_cvr.FakeCvrApi(
        {n: {**template, "vat": int(n), "name": f"Twice {n} ApS"} for n in numbers}
    )
    server = fake_cvr.start_fake_server(fake)
    env.company.write(
        {
            "cvr_provider": "cvrapi",
            "cvr_cvrapi_url": server.url_for("/"),
            "cvr_cvrapi_user_agent": "Tracelink CRM - crons twice - test@example.dk",
        }
    )
    Partner = env["res.partner"]
    # only these companies are due: the others were checked today
    Partner.search(
        [("cvr_watched", "=", True)]
    ).cvr_checked_date = fields.Datetime.now()
    for number in numbers:
        partner = Partner.search([("company_registry", "=", number)], limit=1)
        vals = {"cvr_watch": True, "cvr_checked_date": False}
        if partner:
            partner.write(vals)
        else:
            Partner.create(
                {
                    "name": f"Twice {number}",
                    "is_company": True,
                    "company_registry": number,
                    **vals,
                }
            )
    budget = env["tracelink.cvr.api"]._cvr_setting("watch_budget")
    today = datetime.combine(fields.Date.today(), datetime.min.time())
    spent = env["tracelink.cvr.lookup"].search_count(
        [("is_watch", "=", True), ("date", ">=", today)]
    )
    cron = env.ref("tracelink_cvr.ir_cron_cvr_watch")
    env.cr.execute("SELECT * FROM ir_cron WHERE id = %s", (cron.id,))
    job = {**env.cr.dictfetchone(), "timed_out_counter": 0}
    env.cr.commit()
    return fake, server, numbers, max(0, budget - spent), job


def watch_worker(name, start, job, statuses):
    """A cron worker given the CVR watch job a few times (each time Odoo's
    ``_run_job`` calls it again while the watch reports work left)."""
    IrCron = env.registry["ir.cron"]
    start.wait()
    for _run in range(4):
        statuses.append((name, IrCron._run_job(dict(job))))


def check_watch(fake, numbers, budget, statuses, problems):
    asked = [call["args"].get("vat") for call in fake.calls]
    twice = [number for number, count in Counter(asked).items() if count > 1]
    if twice:
        problems.append(f"CVR numbers looked up twice: {twice[:5]}")
    if len(asked) > budget:
        problems.append(f"{len(asked)} cvrapi.dk look-ups, over the budget {budget}")
    if len(asked) < min(budget, len(numbers)):
        problems.append(f"only {len(asked)} of {min(budget, len(numbers))} looked up")
    if any(status == "failed" for _name, status in statuses):
        problems.append(f"a CVR watch job failed: {statuses}")


def load_fake_economic():
    # from its file: importing the addon's tests package would load Odoo's
    # test framework into this shell
    path = os.path.join(
        get_module_path("tracelink_economic"), "tests", "stand_ins", "fake_economic.py"
    )
    spec = importlib.util.spec_from_file_location("fake_economic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeEconomic


def set_up(server):
    """The company's connection pointed at the stand-in, a new run to come;
    old CVR answers and look-ups. Committed."""
    company = env.company
    Connection = env["tracelink.economic.connection"]
    connection = Connection.search([("company_id", "=", company.id)])
    vals = {
        "state": "enabled",
        "base_url": server.url_for("/"),
        "app_secret_token": APP_TOKEN,
        "agreement_grant_token": GRANT_TOKEN,
        "timeout": 30,
        "import_started": False,
        "last_import": False,
        "import_page": 0,
        "import_last_number": 0,
        "import_error": False,
    }
    if connection:
        connection.write(vals)
    else:
        connection = Connection.create({"company_id": company.id, **vals})
    # only this company imports: another enabled connection would be called
    # on the same jobs
    Connection.search([("id", "!=", connection.id)]).write({"state": "disabled"})
    old = fields.Datetime.now() - timedelta(days=30)
    cache = env["tracelink.cvr.cache"].create(
        [
            {
                "provider": "cvrapi",
                "query_key": f"cvr:crons-twice-{n}",
                "answer": [],
                "fetched_at": old,
            }
            for n in range(N_OLD_ROWS)
        ]
    )
    lookups = env["tracelink.cvr.lookup"].create(
        [{"user_id": env.uid} for _n in range(N_OLD_ROWS)]
    )
    env.cr.execute(
        "UPDATE tracelink_cvr_lookup SET create_date = %s WHERE id IN %s",
        (old, tuple(lookups.ids)),
    )
    cron = env.ref("tracelink_economic.ir_cron_economic_import_customers")
    env.cr.execute("SELECT * FROM ir_cron WHERE id = %s", (cron.id,))
    job = {**env.cr.dictfetchone(), "timed_out_counter": 0}
    # committed, and this cursor's next transaction starts after the workers
    env.cr.commit()
    return connection, job, cache.ids, lookups.ids


def import_finished(connection_id):
    with env.registry.cursor() as cr:
        cr.execute(
            "SELECT import_started IS NULL AND last_import IS NOT NULL "
            "FROM tracelink_economic_connection WHERE id = %s",
            (connection_id,),
        )
        return cr.fetchone()[0]


def import_worker(name, start, connection_id, job, statuses):
    """A cron worker given the import job again and again until the run is
    over (Odoo's own would take it while it is due: progress reported)."""
    IrCron = env.registry["ir.cron"]
    start.wait()
    deadline = time.monotonic() + 600
    while not import_finished(connection_id) and time.monotonic() < deadline:
        statuses.append((name, IrCron._run_job(dict(job))))


def vacuum_worker(name, start, statuses):
    """The CVR clean-ups as ``ir.autovacuum._run_vacuum_cleaner`` calls
    them: each method, then a commit (a failure is logged and rolled back)."""
    start.wait()
    for model, method in (
        ("tracelink.cvr.cache", "_gc_expired"),
        ("tracelink.cvr.lookup", "_gc_old"),
    ):
        with env.registry.cursor() as cr:
            try:
                getattr(api.Environment(cr, SUPERUSER_ID, {})[model], method)()
                cr.commit()
                statuses.append((name, f"{model}.{method}", "done"))
            except Exception:
                logging.getLogger(__name__).exception("Failed %s.%s()", model, method)
                cr.rollback()
                statuses.append((name, f"{model}.{method}", "failed"))


def run_twice(target, *args):
    start = threading.Barrier(2)
    statuses = []
    threads = [
        threading.Thread(target=target, args=(name, start, *args, statuses))
        for name in ("worker 1", "worker 2")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def check_import(connection, fake, server, problems):
    company = connection.company_id
    env.invalidate_all()
    partners = (
        env["res.partner"]
        .with_company(company)
        .with_context(active_test=False)
        .search(
            [
                ("economic_customer_number", ">=", FIRST_NUMBER),
                ("economic_customer_number", "<", FIRST_NUMBER + N_CUSTOMERS),
            ]
        )
    )
    numbers = partners.mapped("economic_customer_number")
    if len(partners) != N_CUSTOMERS or len(set(numbers)) != N_CUSTOMERS:
        problems.append(
            f"{len(partners)} partners for {len(set(numbers))} customer numbers, "
            f"not {N_CUSTOMERS}"
        )
    if (
        connection.import_error
        or connection.import_started
        or not connection.last_import
    ):
        problems.append(
            f"import run not finished cleanly: error {connection.import_error!r}"
        )
    filters = [
        request.args.get("filter")
        for request, _response in server.log
        if request.path.rstrip("/") == "/customers"
    ]
    # a worker calling the job just after the run ended starts the next
    # (hourly) run: the changes since the first, none
    full = [f for f in filters if not f or f.startswith("customerNumber$gt:")]
    expected = [None] + [
        f"customerNumber$gt:{FIRST_NUMBER - 1 + n}"
        for n in range(1000, N_CUSTOMERS, 1000)
    ]
    if full != expected:
        problems.append(f"e-conomic pages fetched: {filters}, not {expected}")
    created = 0 if len(full) < len(filters) else N_CUSTOMERS
    if connection.import_created != created or connection.import_updated:
        problems.append(
            f"last run's figures: {connection.import_created} created, "
            f"{connection.import_updated} updated, not {created} created"
        )
    return partners


def main():
    faults = Faults()
    logging.getLogger().addHandler(faults)
    fake = load_fake_economic()(APP_TOKEN, GRANT_TOKEN)
    fake.add_customers(N_CUSTOMERS, start=FIRST_NUMBER)
    server = fake.start_server()
    servers = [server]
    problems = []
    try:
        connection, job, cache_ids, lookup_ids = set_up(server)
        say(
            f"two cron workers at once: the e-conomic import of {N_CUSTOMERS} "
            f"customers, the CVR clean-ups of {N_OLD_ROWS} old rows each"
        )
        statuses = run_twice(import_worker, connection.id, job)
        say(f"import job runs: {dict(Counter(statuses))}")
        if any(status == "failed" for _name, status in statuses):
            problems.append(f"an import job failed: {statuses}")
        vacuums = run_twice(vacuum_worker)
        say(f"clean-ups: {vacuums}")
        if any(status != "done" for *_rest, status in vacuums):
            problems.append(f"a clean-up failed: {vacuums}")
        watch_fake, watch_server, numbers, budget, watch_job = set_up_watch(
            load_fake_cvr()
        )
        servers.append(watch_server)
        say(
            f"two cron workers at once: the CVR watch of {len(numbers)} companies "
            f"on cvrapi.dk, {budget} look-ups left today"
        )
        watch_statuses = run_twice(watch_worker, watch_job)
        say(f"CVR watch job runs: {dict(Counter(watch_statuses))}")
        check_watch(watch_fake, numbers, budget, watch_statuses, problems)
        check_import(connection, fake, server, problems)
        left = env["tracelink.cvr.cache"].search_count([("id", "in", cache_ids)])
        left += env["tracelink.cvr.lookup"].search_count([("id", "in", lookup_ids)])
        if left:
            problems.append(f"{left} old CVR rows left")
    finally:
        for running in servers:
            running.stop()
        logging.getLogger().removeHandler(faults)
    if faults.conflicts:
        say(
            f"{len(faults.conflicts)} conflict(s) with the other worker's "
            f"transaction, answered by the next call: {faults.conflicts[:3]}"
        )
    problems += [f"logged: {fault}" for fault in faults.faults]
    if problems:
        for problem in problems:
            say(f"FAILED: {problem}")
    else:
        say("passed: no work done twice, nothing failed")


main()
