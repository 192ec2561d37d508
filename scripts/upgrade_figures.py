"""The figures of the upgrade test (scripts/test_upgrade.sh): read before
and after `-u tracelink_crm`, and compared.

    odoo-bin shell -d DB < scripts/upgrade_figures.py      (TRACELINK_UPGRADE_SIDE
        = before | after, TRACELINK_UPGRADE_OUT = the JSON file written)
    python scripts/upgrade_figures.py BEFORE.json AFTER.json   (compares, prints
        the table; exit status 1 when a figure differs)

FIGURES is the table: a name, how the figure is read on the database of
release 18.0.1.1.0 (tracelink_crm alone), how on the upgraded one, and the
mapping between the two where it is not the same query. A query is SQL
(rows compared as they are) or a function of the shell's `env` (the ORM of
the side it runs on). EXPECTED holds what must be true after the upgrade
only. Everything here is read as the superuser.

What "lost" means: before, a lost case is in the fixed Lost status (a stage
flagged is_lost), or an Odoo lost lead that the release showed as archived
(ODOO_LOST: its archiving of an open case left it at 0 %). After, it is
Odoo's lost case: archived at 0 %, its status
(status_id, stage_kind) the fixed Lost status while its stage stays the one
it was lost from, never the Lost stage itself (lost_condition()). A database
upgraded by a release before the lost cases moved (no status_id yet) is read
the looser way: in the Lost stage, or archived at 0 % with a lost reason.
"""

import json
import sys


def columns(env, table):
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    return {name for (name,) in env.cr.fetchall()}


# Odoo's lost lead: archived at 0 % (outside Won). 18.0.1.x's archiving of an
# open case made one (Odoo's archive loses a lead) but showed it as archived
# and left it out of its Won/Lost figures; from 18.0.3.0.0 it is a lost case.
ODOO_LOST = "NOT l.active AND COALESCE(l.probability, 0) = 0 AND s.is_won IS NOT TRUE"


def lost_condition(env, side):
    """SQL over crm_lead l joined to crm_stage s: the case is lost."""
    if side == "before":
        return f"(s.is_lost OR ({ODOO_LOST}))"
    if "status_id" in columns(env, "crm_lead"):
        # in the status it was lost from, never left in the Lost stage
        return f"({ODOO_LOST} AND l.stage_kind = 'lost' AND s.is_lost IS NOT TRUE)"
    return f"(s.is_lost OR ({ODOO_LOST} AND l.lost_reason_id IS NOT NULL))"


def status_expression(env, side):
    lost = lost_condition(env, side)
    return (
        f"CASE WHEN {lost} THEN 'lost' WHEN s.is_won THEN 'won' "
        "WHEN l.active THEN 'open' ELSE 'archived' END"
    )


def cases_by_status(env, side):
    """Count, value and weighted value per company and status."""
    env.cr.execute(
        f"""SELECT l.company_id, {status_expression(env, side)} AS status,
                   count(*), round(sum(l.expected_revenue)::numeric, 2)::text,
                   round(sum(l.prorated_revenue)::numeric, 2)::text
              FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.type = 'opportunity'
             GROUP BY 1, 2 ORDER BY 1, 2"""
    )
    return env.cr.fetchall()


def lost_cases(env, side):
    """Each lost case by id, its lost reason and the status it was lost from
    (before: kept in stage_before_close_id while the case is in Lost)."""
    lost = lost_condition(env, side)
    lost_from = "l.stage_id"
    if "stage_before_close_id" in columns(env, "crm_lead"):
        lost_from = (
            "CASE WHEN s.is_lost THEN l.stage_before_close_id ELSE l.stage_id END"
        )
    env.cr.execute(
        f"""SELECT l.id, l.lost_reason_id, {lost_from}
              FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
             WHERE {lost} ORDER BY l.id"""
    )
    return env.cr.fetchall()


def statistics(env, side):
    """The Won/Lost figures of the public API over every closed case; before,
    with the Odoo lost leads 18.0.1.x left out added to its lost ones."""
    lead = env["crm.lead"].with_context(active_test=True)
    figures = lead.tracelink_statistics("2000-01-01", "2100-12-31")
    if side == "before":
        env.cr.execute(
            f"""SELECT count(*), COALESCE(sum(l.expected_revenue), 0)
                  FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.type = 'opportunity' AND {ODOO_LOST}
                   AND s.is_lost IS NOT TRUE"""
        )
        count, value = env.cr.fetchone()
        figures["lost_count"] += count
        figures["lost_value"] += value
        closed = figures["won_count"] + figures["lost_count"]
        figures["win_rate"] = 100.0 * figures["won_count"] / closed if closed else 0.0
    return sorted(
        (key, round(value, 2) if isinstance(value, float) else value)
        for key, value in figures.items()
        if key not in ("date_from", "date_to")
    )


def economic_numbers_orm(env, side):
    """The e-conomic customer numbers as each company's users see them."""
    rows = []
    for company in env["res.company"].search([], order="id"):
        partners = (
            env["res.partner"]
            .with_company(company)
            .search([("economic_customer_number", "!=", False)], order="id")
        )
        rows += [
            (company.id, p.id, p.economic_customer_number, str(p.economic_last_sync))
            for p in partners
        ]
    return rows


_CVR_COMPANY = (
    "cvr_provider, cvr_cvrapi_url, cvr_cvrapi_user_agent, cvr_cvrapi_token, "
    "cvr_virk_url, cvr_virk_username, cvr_virk_password, cvr_timeout"
)
_USED_ECONOMIC = (
    "economic_enabled OR economic_app_secret_token IS NOT NULL OR "
    "economic_agreement_grant_token IS NOT NULL OR economic_last_import IS NOT "
    "NULL OR economic_import_started IS NOT NULL"
)
_MAIN_COMPANY = (
    "(SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_company')"
)
# The fields that changed addon keep their ir_model_fields row (and so their
# column and tracking values): same ids before and after. Named one by one:
# the release's fields are fixed, while the new addons add fields of the same
# prefixes (the CVR watch's cvr_watch, ...).
_RELEASE_MOVED_FIELDS = {
    "res.company": (
        "cvr_cvrapi_token cvr_cvrapi_url cvr_cvrapi_user_agent cvr_provider "
        "cvr_timeout cvr_virk_password cvr_virk_url cvr_virk_username"
    ),
    "res.partner": (
        "cvr_industry_code cvr_industry_text cvr_legal_form cvr_lookup_date "
        "cvr_protected cvr_provider cvr_status economic_customer_number "
        "economic_enabled economic_last_sync"
    ),
}
_MOVED_FIELDS = (
    "SELECT model, name, id FROM ir_model_fields WHERE {} ORDER BY 1, 2".format(
        " OR ".join(
            "(model = '{}' AND name IN ({}))".format(
                model, ", ".join(f"'{name}'" for name in names.split())
            )
            for model, names in _RELEASE_MOVED_FIELDS.items()
        )
    )
)

# (name, before, after or None for the same query, mapping)
FIGURES = [
    (
        "cases: count, value, weighted value per company and status",
        cases_by_status,
        None,
        "lost: in the Lost status before; after, archived at 0 % under the "
        "Lost status, in the status lost from",
    ),
    (
        "cases: each lost case, its reason, the status lost from",
        lost_cases,
        None,
        "by case id; the status lost from: stage_before_close_id while in Lost",
    ),
    (
        "cases: name, customer, value, weighted value, dates, probability",
        """SELECT id, company_id, name, partner_id, expected_revenue::text,
               prorated_revenue::text, probability, follow_up_date::text,
               date_deadline::text, date_closed IS NOT NULL, customer_reference
          FROM crm_lead ORDER BY id""",
        None,
        "",
    ),
    (
        "cases: won ones and their orders",
        """SELECT l.id, l.sale_order_id, o.name, o.state, o.amount_total::text,
               o.company_id
          FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id
          LEFT JOIN sale_order o ON o.opportunity_id = l.id
         WHERE s.is_won ORDER BY l.id, o.id""",
        None,
        "",
    ),
    (
        "cases: orders per case",
        """SELECT opportunity_id, count(*) FROM sale_order
         WHERE opportunity_id IS NOT NULL GROUP BY 1 ORDER BY 1""",
        None,
        "",
    ),
    ("Won/Lost API figures (tracelink_statistics)", statistics, None, ""),
    (
        "cases: chatter messages and tracked values",
        """SELECT m.model, count(DISTINCT m.id), count(t.id) FROM mail_message m
          LEFT JOIN mail_tracking_value t ON t.mail_message_id = m.id
         WHERE m.model IN ('crm.lead', 'res.partner', 'sale.order')
         GROUP BY 1 ORDER BY 1""",
        None,
        "",
    ),
    (
        "partners: CVR data",
        """SELECT id, company_id, vat, company_registry, cvr_industry_code,
               cvr_industry_text, cvr_legal_form, cvr_status, cvr_protected,
               cvr_lookup_date::text, cvr_provider
          FROM res_partner
         WHERE cvr_status IS NOT NULL OR cvr_lookup_date IS NOT NULL
         ORDER BY id""",
        None,
        "tracelink_crm's columns, now tracelink_cvr's",
    ),
    (
        "partners: with CVR data per company",
        """SELECT company_id, count(*) FROM res_partner
         WHERE cvr_status IS NOT NULL GROUP BY 1 ORDER BY 1 NULLS FIRST""",
        None,
        "",
    ),
    (
        "partners: e-conomic numbers and last sync (per company, jsonb)",
        """SELECT id, company_id, economic_customer_number::text,
               economic_last_sync::text FROM res_partner
         WHERE economic_customer_number IS NOT NULL ORDER BY id""",
        None,
        "tracelink_crm's columns, now tracelink_economic's",
    ),
    (
        "partners: with an e-conomic number per company",
        """SELECT n.key, count(*) FROM res_partner,
               jsonb_each(economic_customer_number) n GROUP BY 1 ORDER BY 1""",
        None,
        "",
    ),
    (
        "partners: e-conomic numbers through the ORM per company",
        economic_numbers_orm,
        None,
        "",
    ),
    (
        "fields that changed addon: same ir_model_fields rows",
        _MOVED_FIELDS,
        None,
        "no field deleted and made again",
    ),
    (
        "settings: CVR register per company",
        f"SELECT id, {_CVR_COMPANY} FROM res_company ORDER BY id",
        None,
        "stay on the company",
    ),
    (
        "settings: CVR cache hours and look-up limit",
        f"SELECT cvr_cache_hours, cvr_lookup_limit FROM res_company "
        f"WHERE id = {_MAIN_COMPANY}",
        """SELECT (SELECT value::int FROM ir_config_parameter
                 WHERE key = 'tracelink_cvr.cache_hours'),
               (SELECT value::int FROM ir_config_parameter
                 WHERE key = 'tracelink_cvr.lookup_limit')""",
        "the main company's -> system parameters tracelink_cvr.*",
    ),
    (
        "settings: e-conomic per company that used it",
        f"""SELECT id, economic_enabled, economic_base_url,
               economic_app_secret_token, economic_agreement_grant_token,
               economic_timeout, economic_customer_group, economic_payment_terms,
               economic_vat_zone, economic_vat_zone_eu, economic_vat_zone_abroad,
               economic_currency_id FROM res_company
         WHERE {_USED_ECONOMIC} ORDER BY id""",
        """SELECT company_id, state = 'enabled', base_url, app_secret_token,
               agreement_grant_token, timeout, customer_group, payment_terms,
               vat_zone, vat_zone_eu, vat_zone_abroad, currency_id
          FROM tracelink_economic_connection ORDER BY company_id""",
        "res.company economic_* -> tracelink.economic.connection",
    ),
    (
        "e-conomic import: last run, checkpoint, figures, notes",
        f"""SELECT id, economic_last_import::text, economic_import_started::text,
               COALESCE(economic_import_page, 0),
               COALESCE(economic_import_last_number, 0),
               COALESCE(economic_import_created, 0),
               COALESCE(economic_import_updated, 0),
               COALESCE(economic_import_unchanged, 0),
               COALESCE(economic_import_skipped, 0),
               economic_import_notes, economic_import_error
          FROM res_company WHERE {_USED_ECONOMIC} ORDER BY id""",
        """SELECT company_id, last_import::text, import_started::text,
               COALESCE(import_page, 0), COALESCE(import_last_number, 0),
               COALESCE(import_created, 0), COALESCE(import_updated, 0),
               COALESCE(import_unchanged, 0), COALESCE(import_skipped, 0),
               import_notes, import_error
          FROM tracelink_economic_connection ORDER BY company_id""",
        "res.company economic_import_* -> the connection's import_*",
    ),
    (
        "e-conomic scheduled import: active, interval, next call",
        """SELECT c.active, c.interval_number, c.interval_type, c.nextcall::text
          FROM ir_cron c JOIN ir_model_data d
            ON d.model = 'ir.cron' AND d.res_id = c.id
         WHERE d.name = 'ir_cron_economic_import_customers'""",
        None,
        "tracelink_crm's cron record, now tracelink_economic's",
    ),
    (
        "settings: orders from cases per company",
        """SELECT id, tracelink_order_product_id, tracelink_order_auto_send
          FROM res_company ORDER BY id""",
        None,
        "stay on the company",
    ),
    (
        "CVR cache and look-ups",
        """SELECT 'cache', query_key, provider, service_url, answer::text
          FROM tracelink_cvr_cache
         UNION ALL SELECT 'lookup', user_id::text, count(*)::text, NULL, NULL
          FROM tracelink_cvr_lookup GROUP BY user_id ORDER BY 1, 2""",
        None,
        "tracelink_crm's tables, now tracelink_cvr's",
    ),
]

# What must hold after the upgrade (each query answers one true value).
EXPECTED = [
    (
        "tracelink_cvr, tracelink_economic and tracelink_crm installed",
        """SELECT count(*) = 3 FROM ir_module_module WHERE state = 'installed'
           AND name IN ('tracelink_cvr', 'tracelink_economic', 'tracelink_crm')""",
    ),
    (
        "the moved fields belong to tracelink_cvr and tracelink_economic",
        """SELECT bool_and(d.module = CASE WHEN f.name LIKE 'cvr%%'
                                     THEN 'tracelink_cvr'
                                     ELSE 'tracelink_economic' END)
               AND count(*) > 0
          FROM ir_model_data d JOIN ir_model_fields f ON f.id = d.res_id
         WHERE d.model = 'ir.model.fields' AND f.model = 'res.partner'
           AND (f.name LIKE 'cvr\\_%%' OR f.name LIKE 'economic\\_%%')""",
    ),
    (
        "the scheduled import runs on the e-conomic connections",
        """SELECT a.model_name = 'tracelink.economic.connection'
          FROM ir_cron c JOIN ir_act_server a ON a.id = c.ir_actions_server_id
          JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
         WHERE d.module = 'tracelink_economic'
           AND d.name = 'ir_cron_economic_import_customers'""",
    ),
    (
        "one record rule per CVR dialog (none made twice)",
        """SELECT count(*) = 2 FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
         WHERE m.model LIKE 'tracelink.cvr.customer.wizard%%'""",
    ),
    (
        "the old company settings columns are gone",
        """SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns
         WHERE table_name = 'res_company' AND (column_name LIKE 'economic\\_%%'
            OR column_name IN ('cvr_cache_hours', 'cvr_lookup_limit')))""",
    ),
]


def _read(env, query, side):
    if callable(query):
        return query(env, side)
    env.cr.execute(query)
    return env.cr.fetchall()


def collect(env, side, out):
    env = env(context=dict(env.context, active_test=False))
    figures = {}
    for name, before, after, _mapping in FIGURES:
        query = before if side == "before" or after is None else after
        figures[name] = _read(env, query, side)
    if side == "after":
        for name, query in EXPECTED:
            figures[f"expected: {name}"] = _read(env, query, side)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(figures, handle, indent=1, default=str, ensure_ascii=False)


def _short(value, width=44):
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def compare(before_file, after_file):
    with open(before_file, encoding="utf-8") as handle:
        before = json.load(handle)
    with open(after_file, encoding="utf-8") as handle:
        after = json.load(handle)
    passed = failed = 0
    print("| figure | before | after | |\n|---|---|---|---|")
    for name, _before, _after, mapping in FIGURES:
        same = before.get(name) == after.get(name) and before.get(name) is not None
        passed, failed = passed + same, failed + (not same)
        label = f"{name} ({mapping})" if mapping else name
        print(
            f"| {label} | {_short(before.get(name))} | {_short(after.get(name))} "
            f"| {'ok' if same else 'DIFFERS'} |"
        )
    for name, _query in EXPECTED:
        value = after.get(f"expected: {name}")
        ok = value == [[True]]
        passed, failed = passed + ok, failed + (not ok)
        print(f"| after: {name} | | {_short(value)} | {'ok' if ok else 'FAILED'} |")
    for name, *_rest in FIGURES:
        if before.get(name) != after.get(name):
            print(f"\nDIFFERS: {name}")
            print(f"  before: {before.get(name)}\n  after:  {after.get(name)}")
    print(f"\nfigures: {passed} passed, {failed} failed")
    return failed == 0


if "env" in globals():  # odoo-bin shell
    import os

    collect(
        globals()["env"],
        os.environ["TRACELINK_UPGRADE_SIDE"],
        os.environ["TRACELINK_UPGRADE_OUT"],
    )
elif __name__ == "__main__":
    sys.exit(0 if compare(*sys.argv[1:3]) else 1)
