"""From one addon to four: the settings of tracelink_crm 18.0.1.x move to
where they are kept now (README, Upgrade from 18.0.1.x), once every module
is loaded and before Odoo drops the company columns tracelink_crm no longer
defines: CVR cache life and look-up limit to system parameters, e-conomic
to a connection record per company that used it.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

_CVR_PARAMETERS = ("cache_hours", "lookup_limit")
# made by pre-migrate.py: the scheduled import's timing before the upgrade
_CRON_TIMING_TABLE = "tracelink_crm_upgrade_cron_timing"
# res.company column economic_<name> -> tracelink.economic.connection field
_CONNECTION_FIELDS = (
    "base_url",
    "app_secret_token",
    "agreement_grant_token",
    "timeout",
    "customer_group",
    "payment_terms",
    "vat_zone",
    "vat_zone_eu",
    "vat_zone_abroad",
    "currency_id",
    "last_import",
    "import_started",
    "import_page",
    "import_last_number",
    "import_created",
    "import_updated",
    "import_unchanged",
    "import_skipped",
    "import_notes",
    "import_error",
)


def _main_company_id(env):
    main = env.ref("base.main_company", raise_if_not_found=False)
    return main.id if main else env["res.company"].search([], order="id", limit=1).id


def _move_cvr_parameters(env, columns):
    names = [name for name in _CVR_PARAMETERS if f"cvr_{name}" in columns]
    if not names:
        return
    env.cr.execute(
        SQL(
            "SELECT %s FROM res_company WHERE id = %s",
            SQL(", ").join(SQL.identifier(f"cvr_{name}") for name in names),
            _main_company_id(env),
        )
    )
    values = env.cr.fetchone()
    Parameter = env["ir.config_parameter"].sudo()
    for name, value in zip(names, values or (), strict=False):
        if value is not None:
            Parameter.set_param(f"tracelink_cvr.{name}", str(value))


def _move_economic_settings(env, columns):
    """A connection per company that used e-conomic, with its settings."""
    if "economic_enabled" not in columns or "tracelink.economic.connection" not in env:
        return
    names = [name for name in _CONNECTION_FIELDS if f"economic_{name}" in columns]
    env.cr.execute(
        SQL(
            """SELECT id, economic_enabled, %s FROM res_company
                WHERE economic_enabled
                   OR economic_app_secret_token IS NOT NULL
                   OR economic_agreement_grant_token IS NOT NULL
                   OR economic_last_import IS NOT NULL
                   OR economic_import_started IS NOT NULL
                ORDER BY id""",
            SQL(", ").join(SQL.identifier(f"economic_{name}") for name in names),
        )
    )
    Connection = env["tracelink.economic.connection"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    for company_id, enabled, *values in env.cr.fetchall():
        if Connection.search_count([("company_id", "=", company_id)]):
            continue
        vals = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        state = "enabled" if enabled else "disabled"
        Connection.create({**vals, "company_id": company_id, "state": state})
    _move_import_cron(env)


def _move_import_cron(env):
    """The scheduled import (renamed by pre-migrate.py) ran on the model
    tracelink_crm had: it runs on the connections now, with the timing that
    tracelink_economic's install wrote over."""
    model = "tracelink.economic.connection"
    cron = env.ref(
        "tracelink_economic.ir_cron_economic_import_customers",
        raise_if_not_found=False,
    )
    if cron and cron.model_id.model != model:
        cron.model_id = env["ir.model"]._get(model)
    if sql.table_exists(env.cr, _CRON_TIMING_TABLE):
        table = SQL.identifier(_CRON_TIMING_TABLE)
        env.cr.execute(
            SQL("SELECT id, active, interval_number, interval_type FROM %s", table)
        )
        for cron_id, active, number, kind in env.cr.fetchall():
            env["ir.cron"].browse(cron_id).write(
                {"active": active, "interval_number": number, "interval_type": kind}
            )
        env.cr.execute(SQL("DROP TABLE %s", table))


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    columns = sql.table_columns(cr, "res_company")
    _move_cvr_parameters(env, columns)
    _move_economic_settings(env, columns)
