from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    production_start_date = fields.Date(
        string="Production Start",
        tracking=True,
        copy=False,
        help="Date on which production of this order starts.",
    )
    is_closed = fields.Boolean(
        string="Closed",
        compute="_compute_is_closed",
        help="The order is locked or cancelled: it can no longer be changed.",
    )

    @api.depends("state", "locked")
    def _compute_is_closed(self):
        for order in self:
            order.is_closed = order.state == "cancel" or order.locked

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_send_order_confirmation(self):
        """Odoo's Send by Email of a confirmed order, with the order
        confirmation template; sending it is noted on the order's case too."""
        self.ensure_one()
        if self.state != "sale":
            raise UserError(
                self.env._(
                    "%s is not a confirmed order: only confirmed orders have an "
                    "order confirmation. Confirm it first.",
                    self.name,
                )
            )
        action = self.with_context(proforma=False).action_quotation_send()
        action["name"] = self.env._("Send Order Confirmation")
        action["context"]["tracelink_order_confirmation"] = True
        return action

    # ------------------------------------------------------------
    # Business methods: order conversion and confirmation
    # ------------------------------------------------------------

    def _action_confirm(self):
        res = super()._action_confirm()
        # A case is converted once: a quotation of the case confirmed from the
        # order itself becomes the case's order too. Written as superuser, as
        # the person confirming may not be allowed to edit the case.
        for order in self.sudo():
            case = order.opportunity_id
            if case and not case.sale_order_id:
                case.sale_order_id = order
        return res

    def _get_confirmation_template(self):
        # Tracelink's order confirmation (with its PDF) takes the place of
        # Odoo's default one; a template chosen in the Sales settings wins.
        template = super()._get_confirmation_template()
        if template == self.env.ref(
            "sale.mail_template_sale_confirmation", raise_if_not_found=False
        ):
            return (
                self.env.ref(
                    "tracelink_crm.mail_template_sale_order_confirmation",
                    raise_if_not_found=False,
                )
                or template
            )
        return template

    def _send_order_confirmation_report(self):
        """E-mail the order confirmation to the customer without a dialog.
        Queued, so a conversion never waits for the mail server; without an
        e-mail address, a note on the order says so."""
        orders = self.with_context(
            tracelink_order_confirmation=True, mail_notify_force_send=False
        )
        for order in orders:
            if not order.partner_id.email:
                order._message_log(
                    body=self.env._(
                        "The order confirmation was not e-mailed: %s has no e-mail "
                        "address. Add one, then use Send Order Confirmation.",
                        order.partner_id.display_name,
                    )
                )
                continue
            order._send_order_confirmation_mail()

    def _get_order_confirmation_filename(self):
        """File name of the order confirmation, in the customer's language."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        return self.with_context(lang=lang).env._("Order Confirmation - %s", self.name)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get("tracelink_order_confirmation"):
            # note on the case that its order's confirmation was sent
            for order in self.sudo().filtered("opportunity_id"):
                recipients = message.partner_ids or order.partner_id
                order.opportunity_id._message_log(
                    body=self.env._(
                        "Order confirmation of %(order)s sent to %(recipients)s.",
                        order=order._get_html_link(),
                        recipients=", ".join(recipients.mapped("display_name")),
                    )
                )
        return message
