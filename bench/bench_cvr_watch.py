"""The CVR watch of 10,000 companies: HTTP calls, time, look-ups spent.

Fed to ``odoo-bin shell`` on a database with tracelink_cvr installed; the
throwaway-database wrapper makes one and drops it afterwards::

    bash scripts/bench.sh bench/bench_cvr_watch.py

Starts the local stand-ins of the CVR register (``tracelink_cvr/tests/
stand_ins/fake_cvr.py``) holding ``BENCH_COMPANIES`` companies (default
10,000), all marked "Watch in CVR" in Odoo with the register's data, and
runs the scheduled action (``tracelink.cvr.watch._cron_watch``) as ir.cron
does, call after call while work is left:

- CVR distribution: a first run (every company asked for, in batches of
  CVR numbers, long answers by scroll), then ``BENCH_CHANGED`` companies
  (default 100) change in the register (status, address) and a second run
  asks for the changes since the first. Aims: each run at most 20 HTTP calls
  and 60 s.
- cvrapi.dk: ``BENCH_DAYS`` days (default 3) of runs, several per day, with
  the daily budget of 40 look-ups: the look-ups each day never exceed it.

Prints the HTTP calls, time, SQL queries and what was found. Everything is
rolled back.
"""

import importlib.util
import os
import time
from datetime import UTC, datetime, timedelta

from freezegun import freeze_time
from stdnum.dk import cvr as stdnum_cvr

from odoo.modules.module import get_module_path

from odoo.addons.tracelink_cvr.tools.cvr_client import company_from, partner_values

# The stand-ins are loaded from their file: importing them as part of the
# addon's tests package would load Odoo's test framework into this shell.
_spec = importlib.util.spec_from_file_location(
    "fake_cvr",
    os.path.join(get_module_path("tracelink_cvr"), "tests", "stand_ins", "fake_cvr.py"),
)
fake_cvr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake_cvr)

N_COMPANIES = int(os.environ.get("BENCH_COMPANIES", "10000"))
N_CHANGED = int(os.environ.get("BENCH_CHANGED", "100"))
N_DAYS = int(os.environ.get("BENCH_DAYS", "3"))
RUNS_PER_DAY = 3

env = globals()["env"]  # given by odoo-bin shell


def cvr_numbers(count):
    numbers, candidate = [], 30000000
    while len(numbers) < count:
        candidate += 1
        if stdnum_cvr.is_valid(str(candidate)):
            numbers.append(str(candidate))
    return numbers


def virk_documents(numbers):
    return {
        number: fake_cvr._vrvirksomhed(
            int(number),
            f"Bench Virksomhed {index} ApS",
            {
                "vejnavn": "Industrivej",
                "husnummerFra": index % 200 + 1,
                "postnummer": 7100,
                "postdistrikt": "Vejle",
            },
            contacts=[f"{70000000 + index}"],
            industry=("282900", "Fremstilling af andre maskiner"),
            legal_form=(80, "APS", "Anpartsselskab"),
            status="NORMAL",
            start="2015-01-01",
        )
        for index, number in enumerate(numbers)
    }


def cvrapi_companies(numbers):
    template = fake_cvr.CVRAPI_COMPANIES["13585628"]
    return {
        number: {**template, "vat": int(number), "name": f"Bench Virksomhed {i} ApS"}
        for i, number in enumerate(numbers)
    }


def make_partners(documents):
    """The watched companies, as New CVR customer made them."""
    now = datetime(2026, 1, 1)
    vals_list = []
    for document in documents.values():
        vals = partner_values(company_from("virk", document))
        vals.update(
            is_company=True,
            country_id=env.ref("base.dk").id,
            cvr_watch=True,
            cvr_provider="virk",
            cvr_lookup_date=now,
            cvr_checked_date=now,
        )
        vals_list.append(vals)
    Partner = env["res.partner"].with_context(tracking_disable=True)
    return Partner.create(vals_list)


def run(label):
    """Call the scheduled action as ir.cron does while work is left."""
    Watch = env["tracelink.cvr.watch"]
    IrCron = type(env["ir.cron"])
    reported = []
    original = IrCron._notify_progress

    def spy(cron_self, *, done, remaining, deactivate=False):
        reported.append((done, remaining))

    IrCron._notify_progress = spy
    try:
        env.flush_all()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        calls = 0
        while True:
            Watch._cron_watch()
            env.flush_all()
            calls += 1
            done, remaining = reported[-1]
            if not (done and remaining):
                break
        elapsed = time.perf_counter() - start
    finally:
        IrCron._notify_progress = original
    return {
        "label": label,
        "cron_calls": calls,
        "checked": sum(done for done, _left in reported),
        "seconds": elapsed,
        "queries": env.cr.sql_log_count - queries,
    }


def bench_virk(company, numbers):
    fake = fake_cvr.FakeVirk(virk_documents(numbers))
    server = fake_cvr.start_fake_server(fake)
    try:
        company.write(
            {
                "cvr_provider": "virk",
                "cvr_virk_url": server.url_for("/"),
                "cvr_virk_username": fake.username,
                "cvr_virk_password": fake.password,
            }
        )
        partners = make_partners(fake.companies)
        results = []
        for label in ("first run (all asked for)", "second run (changes since)"):
            fake.reset()
            if results:
                now = datetime.now(UTC)
                for index, number in enumerate(numbers[:N_CHANGED]):
                    fake.change(
                        number,
                        (now + timedelta(seconds=1)).isoformat(),
                        status="UNDER KONKURS" if index % 2 else None,
                        vejnavn="Nyvej",
                    )
            result = run(label)
            result["http_calls"] = len(fake.calls)
            result["scroll_calls"] = sum(
                call["path"] == fake.scroll_path for call in fake.calls
            )
            results.append(result)
        bankrupt = partners.filtered(lambda p: p.cvr_status == "bankruptcy")
        changes = env["tracelink.cvr.change"].search_count(
            [("partner_id", "in", partners.ids)]
        )
    finally:
        server.stop()
    print(f"CVR distribution: {N_COMPANIES} watched companies")
    for result in results:
        ok = result["http_calls"] <= 20 and result["seconds"] <= 60
        print(
            f"  {result['label']}: {result['http_calls']} HTTP calls "
            f"({result['scroll_calls']} scroll), {result['seconds']:.1f} s, "
            f"{result['cron_calls']} cron calls, {result['queries']} SQL queries, "
            f"{result['checked']} companies checked "
            f"[{'within' if ok else 'OVER'} 20 calls / 60 s]"
        )
    print(
        f"  found: {len(bankrupt)} under bankruptcy, {changes} CVR changes listed "
        f"({N_CHANGED} companies changed)"
    )


def bench_cvrapi(company, numbers):
    fake = fake_cvr.FakeCvrApi(cvrapi_companies(numbers))
    server = fake_cvr.start_fake_server(fake)
    budget = env["tracelink.cvr.api"]._cvr_setting("watch_budget")
    try:
        company.write(
            {
                "cvr_provider": "cvrapi",
                "cvr_cvrapi_url": server.url_for("/"),
                "email": company.email or "bench@example.dk",
            }
        )
        env["res.partner"].search([("cvr_watch", "=", True)]).cvr_checked_date = False
        days = []
        for day in range(N_DAYS):
            fake.new_day()
            with freeze_time(datetime(2026, 12, 1 + day, 2)):
                for _run in range(RUNS_PER_DAY):
                    run(f"day {day + 1}")
                days.append(len(fake.calls))
        checked = env["res.partner"].search_count(
            [("cvr_checked_date", "!=", False), ("cvr_watch", "=", True)]
        )
    finally:
        server.stop()
    print(f"cvrapi.dk: {N_COMPANIES} watched companies, budget {budget} a day")
    for day, calls in enumerate(days, 1):
        print(
            f"  day {day}: {calls} look-ups in {RUNS_PER_DAY} runs "
            f"[{'within' if calls <= budget else 'OVER'} the budget]"
        )
    print(
        f"  {checked} companies checked after {N_DAYS} days; every company is "
        f"checked once in {-(-N_COMPANIES // max(budget, 1))} days"
    )


def main():
    company = env.company
    numbers = cvr_numbers(N_COMPANIES)
    try:
        bench_virk(company, numbers)
        bench_cvrapi(company, numbers)
    finally:
        env.cr.rollback()


main()
