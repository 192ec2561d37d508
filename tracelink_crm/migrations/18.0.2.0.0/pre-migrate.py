"""From one addon to four: what tracelink_crm 18.0.1.x kept of e-conomic.

A database that used e-conomic gets tracelink_economic installed by this
upgrade (Odoo installs a module marked here once tracelink_crm is loaded);
its partner fields, scheduled import and partner view pass to it first, so
the customer numbers stay in their columns (the settings follow in
end-migrate.py). Elsewhere the e-conomic fields go with the rest of what
tracelink_crm no longer defines, their partner view removed first.
"""

from openupgradelib import openupgrade

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, sql

_PARTNER_FIELDS = ["economic_customer_number", "economic_last_sync", "economic_enabled"]
# tracelink_economic's install writes the scheduled import as its data file
# has it (noupdate keeps a record only on updates): its timing waits here for
# end-migrate.py to put it back.
_CRON_TIMING_TABLE = "tracelink_crm_upgrade_cron_timing"
_RECORDS = (
    "ir_cron_economic_import_customers",
    "ir_cron_economic_import_customers_ir_actions_server",
    "res_partner_view_form_economic",
)


def _used_economic(cr):
    # a company connected (or once: tokens, an import), a customer number
    company = sql.table_columns(cr, "res_company")
    if "economic_enabled" not in company:
        return False
    cr.execute(
        SQL(
            """SELECT EXISTS (
                   SELECT 1 FROM res_company
                    WHERE economic_enabled
                       OR economic_app_secret_token IS NOT NULL
                       OR economic_agreement_grant_token IS NOT NULL
                       OR economic_last_import IS NOT NULL
                       OR economic_import_started IS NOT NULL)
                OR EXISTS (
                   SELECT 1 FROM res_partner
                    WHERE economic_customer_number IS NOT NULL
                      AND economic_customer_number != '{}'::jsonb)"""
        )
    )
    return cr.fetchone()[0]


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    if not _used_economic(cr):
        # or tracelink_crm's partner views would not validate
        openupgrade.delete_records_safely_by_xml_id(
            env, ["tracelink_crm.res_partner_view_form_economic"]
        )
        return
    cr.execute(
        SQL(
            """CREATE TABLE %s AS
               SELECT c.id, c.active, c.interval_number, c.interval_type
                 FROM ir_cron c JOIN ir_model_data d
                   ON d.model = 'ir.cron' AND d.res_id = c.id
                WHERE d.module = 'tracelink_crm'
                  AND d.name = 'ir_cron_economic_import_customers'""",
            SQL.identifier(_CRON_TIMING_TABLE),
        )
    )
    for model in ("res.partner", "res.users"):
        openupgrade.update_module_moved_fields(
            cr, model, _PARTNER_FIELDS, "tracelink_crm", "tracelink_economic"
        )
    openupgrade.rename_xmlids(
        cr,
        [(f"tracelink_crm.{name}", f"tracelink_economic.{name}") for name in _RECORDS],
    )
    env["ir.module.module"].search(
        [("name", "=", "tracelink_economic"), ("state", "=", "uninstalled")]
    ).button_install()
