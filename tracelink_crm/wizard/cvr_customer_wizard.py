from odoo import api, fields, models


class CvrCustomerWizard(models.TransientModel):
    """New CVR customer opened from a case (``default_lead_id``, or the case
    as ``active_id``): the partner becomes the case's customer and the dialog
    closes on the case."""

    _inherit = "tracelink.cvr.customer.wizard"

    lead_id = fields.Many2one(
        "crm.lead", string="Case", default=lambda self: self._default_lead_id()
    )

    @api.model
    def _default_lead_id(self):
        context = self.env.context
        return context.get("active_model") == "crm.lead" and context.get("active_id")

    def action_confirm(self):
        if self.lead_id:
            # the case must take its new customer before anything is created
            self.lead_id.check_access("write")
        action = super().action_confirm()
        if self.state == "done" and self.lead_id:
            self.lead_id.partner_id = self.partner_id
        return action

    def _next_action(self):
        if self.lead_id and not self.return_partner:
            return {"type": "ir.actions.act_window_close"}
        return super()._next_action()
