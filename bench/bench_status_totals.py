"""Status totals of 100,000 cases: our cost against a raw SQL GROUP BY.

Fed to ``odoo-bin shell`` on a database with tracelink_crm installed (see
scripts/bench.sh, which makes a throwaway database for it)::

    bash scripts/bench.sh bench/bench_status_totals.py

Inserts 100,000 opportunities over the statuses in one SQL statement, then
times (median of several runs, warm caches):

- raw SQL: count and sums grouped by stage;
- the case list grouped by status (``web_read_group`` on crm.lead with the
  list's sums), as the admin user;
- the Statuses report (``web_read_group`` on the case statistics view).

Prints each time and the ratios to raw SQL. Odoo's own ``web_read_group`` of
opportunities by stage costs about 1.8x the raw query on these machines.
Everything is rolled back at the end.
"""

import os
import statistics
import time

N_CASES = int(os.environ.get("BENCH_CASES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))


def timed(fn):
    samples = []
    for _ in range(RUNS):
        env.invalidate_all()  # noqa: F821 (odoo shell)
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main():
    cr = env.cr  # noqa: F821 (odoo shell)
    stages = env["crm.stage"].search([])  # noqa: F821
    admin = env.ref("base.user_admin")  # noqa: F821
    company = env.company  # noqa: F821
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, stage_id, stage_kind,
                              expected_revenue, probability, prorated_revenue,
                              company_id, user_id, create_date, write_date)
        SELECT 'Bench case ' || n, 'opportunity', TRUE,
               (%(stages)s)[1 + n %% %(nstages)s],
               (SELECT status_kind FROM crm_stage
                 WHERE id = (%(stages)s)[1 + n %% %(nstages)s]),
               (n %% 1000) * 100, (n %% 100), (n %% 1000) * (n %% 100),
               %(company)s, %(user)s, now(), now()
          FROM generate_series(1, %(count)s) AS n
        """,
        {
            "stages": stages.ids,
            "nstages": len(stages),
            "company": company.id,
            "user": admin.id,
            "count": N_CASES,
        },
    )
    cr.execute("ANALYZE crm_lead")
    total = env["crm.lead"].search_count([("type", "=", "opportunity")])  # noqa: F821

    def raw_sql():
        cr.execute(
            """SELECT stage_id, count(*), sum(expected_revenue), sum(prorated_revenue)
                 FROM crm_lead
                WHERE type = 'opportunity' AND active
                GROUP BY stage_id"""
        )
        cr.fetchall()

    leads = env["crm.lead"].with_user(admin)  # noqa: F821
    report = env["tracelink.crm.case.report"].with_user(admin)  # noqa: F821

    def case_list():
        leads.web_read_group(
            [("type", "=", "opportunity")],
            ["expected_revenue:sum", "prorated_revenue:sum"],
            ["stage_id"],
            lazy=True,
        )

    def odoo_plain():
        leads.web_read_group([("type", "=", "opportunity")], ["__count"], ["stage_id"])

    def statuses_report():
        report.web_read_group(
            [], ["expected_revenue:sum", "prorated_revenue:sum"], ["stage_id"]
        )

    base = timed(raw_sql)
    figures = {
        "Odoo web_read_group by stage (count only)": timed(odoo_plain),
        "case list grouped by status (with sums)": timed(case_list),
        "Statuses report": timed(statuses_report),
    }
    print(f"cases: {total}, runs per figure: {RUNS} (median)")
    print(f"raw SQL GROUP BY: {base * 1000:.1f} ms")
    for label, seconds in figures.items():
        print(f"{label}: {seconds * 1000:.1f} ms = {seconds / base:.2f}x raw SQL")
    print("target: at most Odoo's own cost, measured 1.8x raw SQL")
    cr.rollback()


main()
