from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    economic_invoice_state = fields.Selection(
        string="Invoice",
        related="sale_order_id.economic_invoice_state",
        help="The e-conomic invoice of the order this case was converted to.",
    )
