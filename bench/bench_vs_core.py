"""tracelink_crm against Odoo's own CRM on the same 100,000 cases, side by side.

Run through the wrapper, which passes where Odoo and PostgreSQL are::

    bash scripts/bench.sh bench/bench_vs_core.py

Makes two throwaway databases (no demo data): one with ``crm`` + ``sale_crm``
only ("Odoo core"), one with ``tracelink_crm``. Inserts the same cases in SQL
into both, each in its own system's terms, then measures both and prints one
table: per figure the core value, ours and the ratio ours / core. The
databases are dropped at the end.

The data: ``BENCH_CASES`` opportunities (default 100,000) over 500 customers;
60 % open over Odoo's three open stages, 20 % won, 20 % lost (archived at 0 %
in an open stage, as Odoo loses a lead, on both sides; ours shows them under
the Lost status); half of them with a
probability typed by hand; a third with a past date (core: the expected
closing date, Odoo's own overdue filter; ours: the same date as expected
closing and follow-up). The first customer has 1 case in 50 (2,000) and 500
orders.

The figures (median of ``BENCH_RUNS`` runs, default 7, warm caches, core's
and ours by turns in one process, so that a machine slowing down slows both;
over ``BENCH_ROUNDS`` rounds, default 3, the best median of each side
counts, as the machine may be shared):

- scoring update: ``_update_automated_probabilities`` over all cases, as the
  daily scoring cron runs it (rolled back after each run);
- grouped list: ``web_read_group`` of the opportunities by stage with count,
  value and weighted value, as the list shows them (Odoo by stage, hiding its
  archived lost leads; tracelink_crm by status, showing the lost cases under
  Lost: a quarter more rows), then
  over all cases, archived ones too (the same rows on both sides);
- list page: ``web_search_read`` of 80 rows with the list view's fields;
  the Overdue filter's page; a page sorted by follow-up date (core: by
  expected closing date, it has no follow-up date);
- Statuses report (core: the opportunities grouped by stage) and the Won/Lost
  dialog's figures for the last 365 days, as the dialog computes them when it
  opens (core: won and lost leads closed in the same days, grouped);
- case form: ``web_read`` of one case of the big customer with the form
  view's fields, its Same customer and Orders tabs included (core: Odoo's
  form of the same case).

Options (environment): ``BENCH_CASES``, ``BENCH_RUNS``, ``BENCH_ROUNDS``,
``BENCH_DB_PREFIX`` (default ``tracelink_bench``), ``BENCH_KEEP_DBS=1`` to
keep both databases (``<prefix>_core_kept``, ``<prefix>_ours_kept``) and to
measure them again on a later run, after a code change, without building them
anew (drop them with ``dropdb`` when done).

The same file is fed to ``odoo-bin shell`` for the work inside each database
(``BENCH_STEP`` = ``load`` or ``measure``).
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

N_CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
N_CUSTOMERS = 500
BIG_CUSTOMER_EVERY = 50  # 1 case in 50 is the big customer's: 2,000 of 100,000
N_BIG_ORDERS = 500
PAGE = 80
RESULT_MARK = "BENCH_RESULT "

# (key, label, unit) in the order printed; unit "ms" or "q" (queries)
FIGURES = [
    ("scoring_time", "scoring update over all cases", "ms"),
    ("scoring_queries", "scoring update over all cases", "q"),
    ("group_time", "list grouped by status (count, value, weighted)", "ms"),
    ("group_queries", "list grouped by status (count, value, weighted)", "q"),
    ("group_all_time", "the same over all cases, archived ones too", "ms"),
    ("page_time", "list page of 80", "ms"),
    ("page_queries", "list page of 80", "q"),
    ("overdue_time", "Overdue filter, page of 80", "ms"),
    ("overdue_queries", "Overdue filter, page of 80", "q"),
    ("follow_up_time", "page of 80 sorted by follow-up date", "ms"),
    ("follow_up_queries", "page of 80 sorted by follow-up date", "q"),
    ("report_time", "Statuses report", "ms"),
    ("report_queries", "Statuses report", "q"),
    ("winloss_time", "Won/Lost figures, one year", "ms"),
    ("winloss_queries", "Won/Lost figures, one year", "q"),
    ("form_time", "case form, customer with 2,000 cases/500 orders", "ms"),
    ("form_queries", "case form, customer with 2,000 cases/500 orders", "q"),
]


# ----------------------------------------------------------------------------
# Inside a database (odoo-bin shell)
# ----------------------------------------------------------------------------


def is_ours(env):
    return "tracelink.crm.case.report" in env


def load(env):
    """Customers, cases and orders, the same in both databases; committed."""
    from odoo.tools import SQL

    cr = env.cr
    ours = is_ours(env)
    admin = env.ref("base.user_admin")
    team = env.ref("sales_team.team_sales_department")
    ctx = {"tracking_disable": True, "mail_create_nolog": True}
    partners = (
        env["res.partner"]
        .with_context(**ctx)
        .create(
            [
                {"name": f"Bench Customer {i:03d}", "is_company": True}
                for i in range(N_CUSTOMERS)
            ]
        )
    )
    open_stages = env["crm.stage"].search(
        [("is_won", "=", False)] + ([("is_lost", "=", False)] if ours else []),
        order="sequence, id",
        limit=3,
    )
    won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    lost_stage = (
        env["crm.stage"].search([("is_lost", "=", True)], limit=1) if ours else None
    )
    # The cases in the columns of crm_lead, computed once, then written in
    # one INSERT (an UPDATE of 100,000 rows would leave the table twice its
    # size until a VACUUM FULL). A lost case is archived at 0 % in its stage
    # on both sides; tracelink_crm shows it under the Lost status.
    cr.execute(
        """
        CREATE TEMP TABLE bench_case ON COMMIT DROP AS
        SELECT n, 'Bench case ' || n AS name, 'opportunity' AS type,
               kind <> 'lost' AS active, '0' AS priority,
               CASE WHEN kind = 'won' THEN %(won)s ELSE open_stage END AS stage_id,
               CASE WHEN kind = 'won' THEN %(won)s
                    WHEN kind = 'lost' AND %(ours)s THEN %(lost)s
                    ELSE open_stage END AS status_id,
               CASE WHEN n %% %(big_every)s = 0 THEN (%(partners)s)[1]
                    ELSE (%(partners)s)[2 + n %% (%(npartners)s - 1)]
               END AS partner_id,
               %(user)s AS user_id, %(team)s AS team_id,
               %(company)s AS company_id, revenue AS expected_revenue,
               probability, automated AS automated_probability,
               round(revenue * probability / 100.0, 2) AS prorated_revenue,
               deadline AS date_deadline,
               CASE WHEN kind <> 'open'
                    THEN now() - make_interval(days => n %% 730) END AS date_closed,
               created AS date_open, created AS date_last_stage_update,
               %(user)s AS create_uid, %(user)s AS write_uid,
               created AS create_date, created AS write_date,
               kind AS stage_kind, deadline AS follow_up_date,
               CASE WHEN kind <> 'open'
                    THEN open_automated END AS probability_before_close
          FROM (
            SELECT n, kind, typed, revenue, created, open_stage,
                   open_automated,
                   CASE WHEN n / 7 %% 3 = 0 THEN current_date - (1 + n %% 60)
                        ELSE current_date + (1 + n %% 90) END AS deadline,
                   CASE kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0
                        ELSE open_automated END AS automated,
                   CASE kind WHEN 'won' THEN 100 WHEN 'lost' THEN 0
                        WHEN 'open' THEN open_automated
                             + CASE WHEN typed THEN 1 + n %% 7 ELSE 0 END
                   END AS probability
              FROM (
                SELECT n,
                       CASE WHEN n %% 10 < 6 THEN 'open'
                            WHEN n %% 10 < 8 THEN 'won' ELSE 'lost' END AS kind,
                       n %% 2 = 0 AS typed,
                       (n %% 1000) * 100 AS revenue,
                       now() - make_interval(days => 730 + n %% 365) AS created,
                       (%(open_stages)s)[1 + n %% 3] AS open_stage,
                       10 + 20 * (n %% 3) AS open_automated
                  FROM generate_series(1, %(count)s) AS n
              ) AS base
          ) AS cases
        """,
        {
            "ours": ours,
            "won": won_stage.id,
            "lost": lost_stage.id if ours else None,
            "open_stages": open_stages.ids,
            "partners": partners.ids,
            "npartners": len(partners),
            "big_every": BIG_CUSTOMER_EVERY,
            "user": admin.id,
            "team": team.id,
            "company": env.company.id,
            "count": N_CASES,
        },
    )
    columns = [
        "name", "type", "active", "priority", "stage_id", "partner_id", "user_id",
        "team_id", "company_id", "expected_revenue", "probability",
        "automated_probability", "prorated_revenue", "date_deadline",
        "date_closed", "date_open", "date_last_stage_update", "create_uid",
        "write_uid", "create_date", "write_date",
    ]  # fmt: skip
    if ours:
        columns += [
            "status_id", "stage_kind", "follow_up_date",
            "probability_before_close",
        ]  # fmt: skip
    column_list = SQL(", ").join(SQL.identifier(column) for column in columns)
    cr.execute(
        SQL(
            "INSERT INTO crm_lead (%s) SELECT %s FROM bench_case ORDER BY n",
            column_list,
            column_list,
        )
    )
    orders = (
        env["sale.order"]
        .with_context(**ctx)
        .create([{"partner_id": partners[0].id} for _ in range(N_BIG_ORDERS)])
    )
    cr.execute(
        "UPDATE sale_order SET state = 'sale' WHERE id = ANY(%s)",
        [orders.ids[::2]],
    )
    env["ir.config_parameter"].set_param("crm.pls_start_date", "2000-01-01")
    env.invalidate_all()
    env["crm.lead"]._rebuild_pls_frequency_table()
    env.flush_all()
    cr.execute("ANALYZE crm_lead")
    cr.execute("ANALYZE sale_order")
    cr.execute("ANALYZE res_partner")
    cr.commit()


def list_spec(env, view_xmlid):
    """The fields the web client reads for a list row of ``view_xmlid``."""
    from lxml import etree

    Lead = env["crm.lead"]
    views = Lead.get_views([(env.ref(view_xmlid).id, "list")])
    fields = views["models"]["crm.lead"]["fields"]
    arch = etree.fromstring(views["views"]["list"]["arch"])
    return {
        node.get("name"): field_spec(fields.get(node.get("name"), {}))
        for node in arch.iter("field")
        if node.getparent().tag == "list"
    }


def field_spec(field):
    if field.get("type") in ("many2one", "many2many", "one2many"):
        return {"fields": {"display_name": {}}}
    return {}


def form_spec(env, view_xmlid):
    """The fields the web client reads when it opens a case in the form of
    ``view_xmlid``: the form's fields and, for x2many lists in it, the first
    page of rows of the list's fields (its ``limit``, else 40)."""
    from lxml import etree

    views = env["crm.lead"].get_views([(env.ref(view_xmlid).id, "form")])
    models = views["models"]
    arch = etree.fromstring(views["views"]["form"]["arch"])
    fields = models["crm.lead"]["fields"]
    spec = {}
    for node in arch.iter("field"):
        if any(parent.tag == "field" for parent in node.iterancestors()):
            continue
        field = fields.get(node.get("name"), {})
        sub_list = node.find("list")
        if field.get("type") in ("one2many", "many2many") and sub_list is not None:
            sub_fields = models.get(field["relation"], {}).get("fields", {})
            spec[node.get("name")] = {
                "fields": {
                    sub.get("name"): field_spec(sub_fields.get(sub.get("name"), {}))
                    for sub in sub_list.iter("field")
                },
                "limit": int(sub_list.get("limit") or 40),
                "order": "",
            }
        else:
            spec.setdefault(node.get("name"), field_spec(field))
    return spec


def calls(env):
    """``[(figure, fn)]``: what is measured in this database, in order."""
    ours = is_ours(env)
    admin = env.ref("base.user_admin")
    uenv = env(user=admin.id, context=dict(env.context, tz="Europe/Copenhagen"))
    Lead = uenv["crm.lead"]
    today = date.today()
    opportunities = [("type", "=", "opportunity")]

    list_fields = list_spec(uenv, "crm.crm_case_tree_view_oppor")

    def page(domain, order=""):
        def read_page():
            Lead.web_search_read(
                domain,
                list_fields,
                offset=0,
                limit=PAGE,
                order=order,
                count_limit=10001,
            )

        return read_page

    if ours:
        overdue = [*opportunities, ("is_overdue", "=", True)]
        follow_up_order = "follow_up_date ASC"
    else:
        overdue = [
            *opportunities,
            ("date_closed", "=", False),
            ("date_deadline", "<", today),
        ]
        follow_up_order = "date_deadline ASC"

    # the case list: active and lost cases by status; Odoo's by stage
    shown = [*opportunities, "|", ("active", "=", True), ("stage_kind", "=", "lost")]

    def grouped():
        Lead.web_read_group(
            shown if ours else opportunities,
            ["expected_revenue:sum", "prorated_revenue:sum"],
            ["status_id" if ours else "stage_id"],
            lazy=True,
        )

    def grouped_all():
        # the same rows on both sides: Odoo's archived lost leads included
        Lead.with_context(active_test=False).web_read_group(
            opportunities,
            ["expected_revenue:sum", "prorated_revenue:sum"],
            ["stage_id"],
            lazy=True,
        )

    def report():
        if ours:
            uenv["tracelink.crm.case.report"].web_read_group(
                [], ["expected_revenue:sum", "prorated_revenue:sum"], ["stage_id"]
            )
        else:
            Lead.web_read_group(
                opportunities,
                ["expected_revenue:sum", "prorated_revenue:sum"],
                ["stage_id"],
            )

    year_from = today - timedelta(days=365)

    def winloss():
        if ours:
            # as the dialog computes them when it opens (an onchange, no row)
            wizard = uenv["tracelink.crm.winloss.wizard"].new(
                {"period": "custom", "date_from": year_from, "date_to": today}
            )
            for fname in ("won_count", "lost_count", "won_value", "lost_value"):
                wizard[fname]
        else:
            Lead.with_context(active_test=False).read_group(
                [
                    *opportunities,
                    (
                        "date_closed",
                        ">=",
                        datetime.combine(year_from, datetime.min.time()),
                    ),
                    (
                        "date_closed",
                        "<",
                        datetime.combine(
                            today + timedelta(days=1), datetime.min.time()
                        ),
                    ),
                    "|",
                    ("stage_id.is_won", "=", True),
                    "&",
                    ("active", "=", False),
                    ("probability", "=", 0),
                ],
                ["expected_revenue:sum"],
                ["active"],
            )

    big = env["res.partner"].search([("name", "=", "Bench Customer 000")], limit=1)
    case = Lead.search([("partner_id", "=", big.id)], order="id", limit=1)
    form_fields = form_spec(uenv, "crm.crm_lead_view_form")

    def form():
        case.web_read(form_fields)

    return [
        ("group", grouped),
        ("group_all", grouped_all),
        ("page", page(opportunities)),
        ("overdue", page(overdue)),
        ("follow_up", page(opportunities, follow_up_order)),
        ("report", report),
        ("winloss", winloss),
        ("form", form),
        # last: its rolled back updates leave dead rows behind
        ("scoring", lambda: env["crm.lead"]._update_automated_probabilities()),
    ]


def run_once(env, fn):
    """Time (ms) and queries of one warm-cache run of ``fn``, rolled back."""
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    cr.execute("SAVEPOINT bench_run")
    start_queries = cr.sql_log_count
    start = time.perf_counter()
    fn()
    env.flush_all()
    elapsed = (time.perf_counter() - start) * 1000
    queries = cr.sql_log_count - start_queries
    env.invalidate_all()
    cr.execute("ROLLBACK TO SAVEPOINT bench_run")
    return elapsed, queries


def measure(env):
    """Every figure of this database (core's) and of ``BENCH_OURS_DB``, run
    by turns (core, ours, core, ...: a machine that slows down slows both),
    printed as one JSON line ``{"core": {...}, "ours": {...}}``."""
    import threading

    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    # Odoo's scoring commits per batch outside tests: each run is rolled back
    threading.current_thread().testing = True
    with Registry(os.environ["BENCH_OURS_DB"]).cursor() as ours_cr:
        envs = {"core": env, "ours": api.Environment(ours_cr, SUPERUSER_ID, {})}
        sides = {side: calls(side_env) for side, side_env in envs.items()}
        figures = {side: {} for side in envs}
        for index, (name, _fn) in enumerate(sides["core"]):
            runs = {side: [] for side in envs}
            for _ in range(RUNS + 1):  # the first run warms the caches
                for side, side_env in envs.items():
                    runs[side].append(run_once(side_env, sides[side][index][1]))
            for side in envs:
                times, queries = zip(*runs[side][1:], strict=True)
                figures[side][f"{name}_time"] = statistics.median(times)
                figures[side][f"{name}_queries"] = statistics.median(queries)
        for side, side_env in envs.items():
            figures[side]["cases"] = (
                side_env["crm.lead"].with_context(active_test=False).search_count([])
            )
        print(RESULT_MARK + json.dumps(figures), flush=True)
        ours_cr.rollback()
    env.cr.rollback()


# ----------------------------------------------------------------------------
# Driver: two databases, the table
# ----------------------------------------------------------------------------


def odoo(db, *args, step=None):
    """Run Odoo on ``db``; with ``step``, this file through its shell."""
    command = [os.environ["BENCH_PYTHON"], os.environ["BENCH_ODOO_BIN"]]
    if step:
        command.append("shell")
    command += [arg for arg in os.environ.get("BENCH_ODOO_ARGS", "").split("\n") if arg]
    command += ["-d", db, "--log-level=warn", *args]
    env = dict(os.environ, BENCH_STEP=step or "")
    with open(__file__, "rb") as script:
        done = subprocess.run(
            command,
            stdin=script if step else subprocess.DEVNULL,
            env=env,
            capture_output=True,
            check=False,
        )
    out = done.stdout.decode()
    if done.returncode or (step == "measure" and RESULT_MARK not in out):
        for line in (out + done.stderr.decode()).splitlines()[-60:]:
            sys.stderr.write(line[:400] + "\n")
        raise SystemExit(f"odoo failed on {db} ({step or 'install'})")
    return out


def psql_value(db, query):
    done = subprocess.run(
        ["psql", "-d", db, "-tAc", query], capture_output=True, check=False
    )
    return done.stdout.decode().strip() if not done.returncode else ""


def build(db, module):
    """Install ``module`` in ``db`` and load the cases (what a kept database
    has already is not done again)."""
    installed = psql_value(
        db, f"SELECT state FROM ir_module_module WHERE name = '{module}'"
    )
    if installed != "installed":
        log(f"{db}: installing {module}")
        odoo(db, "-i", module, "--without-demo=all", "--stop-after-init")
    else:  # a kept database: the code may have changed (indexes, views)
        log(f"{db}: updating {module}")
        odoo(db, "-u", module, "--stop-after-init")
    if psql_value(db, "SELECT count(*) FROM crm_lead") in ("", "0"):
        log(f"{db}: inserting {N_CASES} cases")
        odoo(db, step="load")


def measure_pair(core_db, ours_db):
    # the same start for both: no dead rows left by an earlier round, and the
    # visibility map set as autovacuum keeps it on a live database (VACUUM
    # FULL leaves it empty, which would hide what index-only scans can do)
    for db in (core_db, ours_db):
        for command in ("VACUUM FULL ANALYZE crm_lead", "VACUUM crm_lead"):
            subprocess.run(["psql", "-q", "-d", db, "-c", command], check=True)
    os.environ["BENCH_OURS_DB"] = ours_db
    out = odoo(core_db, step="measure")
    line = next(line for line in out.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line[len(RESULT_MARK) :])


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def machine():
    cpus = os.cpu_count()
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in info
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        model = platform.processor()
    system = f"{platform.system()} {platform.release()}"
    return f"{model or platform.machine()}, {cpus} CPU, {system}"


def table(core, ours):
    lines = [
        "| figure | Odoo core | tracelink_crm | ratio |",
        "|---|---:|---:|---:|",
    ]
    for key, label, unit in FIGURES:
        a, b = core[key], ours[key]
        ratio = f"{b / a:.2f}x" if a else "-"
        if unit == "ms":
            lines.append(f"| {label}, time | {a:.1f} ms | {b:.1f} ms | {ratio} |")
        else:
            lines.append(f"| {label}, queries | {a:.0f} | {b:.0f} | {ratio} |")
    return "\n".join(lines)


def drive():
    prefix = os.environ.get("BENCH_DB_PREFIX", "tracelink_bench")
    keep = os.environ.get("BENCH_KEEP_DBS") == "1"
    suffix = "kept" if keep else str(os.getpid())
    core_db, ours_db = f"{prefix}_core_{suffix}", f"{prefix}_ours_{suffix}"
    try:
        build(core_db, "sale_crm")
        build(ours_db, "tracelink_crm")
        best = {"core": {}, "ours": {}}
        for round_ in range(ROUNDS):
            log(f"{core_db} and {ours_db}: measuring (round {round_ + 1} of {ROUNDS})")
            for side, figures in measure_pair(core_db, ours_db).items():
                for key, value in figures.items():
                    best[side][key] = min(best[side].get(key, value), value)
        core, ours = best["core"], best["ours"]
        print(
            f"{date.today().isoformat()}, {machine()}; {ours['cases']:,} cases, "
            f"median of {RUNS} runs, best of {ROUNDS} rounds"
        )
        print(table(core, ours))
    finally:
        if not keep:
            for db in (core_db, ours_db):
                subprocess.run(["dropdb", "--if-exists", db], check=False)


if "env" in globals():  # fed to odoo-bin shell
    {"load": load, "measure": measure}[os.environ["BENCH_STEP"]](globals()["env"])
elif __name__ == "__main__":
    drive()
