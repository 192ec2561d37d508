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
    cvr_customer_status = fields.Selection(
        related="partner_id.commercial_partner_id.cvr_status",
        string="Customer's CVR Status",
    )

    @api.depends("state", "locked")
    def _compute_is_closed(self):
        for order in self:
            order.is_closed = order.state == "cancel" or order.locked

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

    @api.model
    def _get_cvr_watched_customers(self):
        """Customers of confirmed orders not delivered, invoiced or paid."""
        not_done = [("invoice_status", "!=", "invoiced")]
        if "delivery_status" in self._fields:  # sale_stock
            undelivered = ("delivery_status", "in", ("pending", "started", "partial"))
            not_done = ["|", undelivered, *not_done]
        orders = self._read_group([("state", "=", "sale"), *not_done], ["partner_id"])
        unpaid = self.env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_line_ids.sale_line_ids", "!=", False),
            ],
            ["partner_id"],
        )
        return self.env["res.partner"].browse(
            [partner.id for [partner] in orders + unpaid]
        )

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

    def message_post_with_source(self, source_ref, *args, **kwargs):
        # The e-mail of the order confirmation, sent at once on confirmation
        # or later by the scheduled action of sale_async_emails, both through
        # this method with the confirmation template, is noted on the case.
        orders = self
        if (
            len(self) == 1
            and isinstance(source_ref, models.BaseModel)
            and source_ref == self._get_confirmation_template()
        ):
            orders = self.with_context(tracelink_order_confirmation=True)
        return super(SaleOrder, orders).message_post_with_source(
            source_ref, *args, **kwargs
        )

    def _send_order_confirmation_report(self):
        """E-mail the order confirmation without making the user wait for its
        PDF, as sale_async_emails does: its scheduled action, triggered now,
        sends the order's ``pending_email_template_id`` once the conversion is
        saved. An order that cannot be e-mailed is never refused for that."""
        queued = self.browse()
        for order in self:
            problem = order._get_order_confirmation_mail_problem()
            if problem:
                # on the order, on its case (as superuser: the user may not
                # edit the case) and to the user at once
                order._message_log(body=problem)
                if order.opportunity_id:
                    order.opportunity_id.sudo()._message_log(body=problem)
                self.env.user._bus_send(
                    "simple_notification",
                    {
                        "type": "warning",
                        "title": self.env._("Order confirmation not e-mailed"),
                        "message": problem,
                        "sticky": True,
                    },
                )
                continue
            order.pending_email_template_id = order._get_confirmation_template()
            queued |= order
        if queued:
            self.env.ref("sale_async_emails.cron")._trigger()

    def _get_order_confirmation_mail_problem(self):
        """Why the order confirmation cannot be e-mailed, or False."""
        self.ensure_one()
        if not self.partner_id.email:
            return self.env._(
                "The order confirmation of %(order)s was not e-mailed: %(customer)s "
                "has no e-mail address. Add one, then use Send Order Confirmation "
                "on the order.",
                order=self.name,
                customer=self.partner_id.display_name,
            )
        if not (self.user_id.email or self.company_id.email):
            return self.env._(
                "The order confirmation of %(order)s was not e-mailed: there is no "
                "address to send it from, as neither the salesperson nor "
                "%(company)s has an e-mail address. Add one, then use Send Order "
                "Confirmation on the order.",
                order=self.name,
                company=self.company_id.display_name,
            )
        return False

    def _get_order_confirmation_filename(self):
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
