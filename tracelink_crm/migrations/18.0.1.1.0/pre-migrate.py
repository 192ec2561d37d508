"""e-conomic customer numbers become per company (company-dependent fields).

The integer column of each partner becomes ``{"<company id>": number}``: the
partner's own company, or for a partner without company the company that has
e-conomic enabled (the lowest id when several have). The old unique index is
dropped; the rule is checked per company from now on.
"""

from odoo.tools import SQL, sql

_VALUES = {
    "economic_customer_number": SQL("economic_customer_number"),
    "economic_last_sync": SQL("to_char(economic_last_sync, 'YYYY-MM-DD HH24:MI:SS')"),
}


def migrate(cr, version):
    columns = sql.table_columns(cr, "res_partner")
    number_column = columns.get("economic_customer_number")
    if not number_column or number_column["udt_name"] == "jsonb":
        return
    cr.execute(SQL("DROP INDEX IF EXISTS res_partner_economic_customer_number_uniq"))
    cr.execute(
        SQL(
            "SELECT id FROM res_company "
            "ORDER BY economic_enabled IS TRUE DESC, id LIMIT 1"
        )
    )
    fallback = cr.fetchone()[0]
    for column, value in _VALUES.items():
        if column not in columns or columns[column]["udt_name"] == "jsonb":
            continue
        cr.execute(
            SQL(
                "ALTER TABLE res_partner ALTER COLUMN %(column)s TYPE jsonb USING "
                "CASE WHEN %(column)s IS NULL OR %(column)s::text = '0' THEN NULL "
                "ELSE jsonb_build_object(COALESCE(company_id, %(fallback)s)::text, "
                "%(value)s) END",
                column=SQL.identifier(column),
                fallback=fallback,
                value=value,
            )
        )
