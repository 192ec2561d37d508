from odoo import fields, models
from odoo.tools import SQL


class CrmCaseReport(models.Model):
    _inherit = "tracelink.crm.case.report"
    _depends = {
        "crm.lead": ["sale_order_id"],
        "sale.order": ["economic_invoice_state", "amount_untaxed", "currency_rate"],
    }

    paid_value = fields.Monetary(
        currency_field="company_currency",
        readonly=True,
        help="Untaxed amount of the won cases' orders paid in e-conomic, in the "
        "company's currency.",
    )

    @property
    def _table_query(self):
        # the case statistics of tracelink_crm, plus what their orders'
        # e-conomic invoices say
        return SQL(
            """
            SELECT report.*,
                   CASE WHEN report.stage_kind = 'won'
                             AND sale.economic_invoice_state = 'paid'
                        THEN sale.amount_untaxed
                             / COALESCE(NULLIF(sale.currency_rate, 0), 1)
                        ELSE 0 END AS paid_value
              FROM (%s) report
              JOIN crm_lead lead ON lead.id = report.lead_id
              LEFT JOIN sale_order sale ON sale.id = lead.sale_order_id
            """,
            super()._table_query,
        )
