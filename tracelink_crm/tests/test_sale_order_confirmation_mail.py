import json

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestSaleOrderConfirmationMail(TracelinkOrderCommon, MockEmail):
    """The order confirmation e-mailed on conversion: the conversion only
    queues it (Odoo's sale_async_emails); the queue renders the PDF and sends
    it; an e-mail that cannot be sent never stops the conversion."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {"tracelink_order_auto_send": True, "email": "salg@tracelink.example.com"}
        )
        cls.user_salesman.email = "sofie@tracelink.example.com"
        cls.template = cls.env.ref(
            "tracelink_crm.mail_template_sale_order_confirmation"
        )
        cls.queue = cls.env.ref("sale_async_emails.cron")

    def _convert(self, lang="en_US"):
        """A won case of the salesperson, converted by them."""
        case = self._create_won_case()
        case.with_user(self.user_salesman).with_context(
            lang=lang
        ).action_convert_to_order()
        return case, case.sale_order_id

    def _queue_triggers(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.queue.id)]
        )

    def _run_queue(self):
        with self.mock_mail_gateway():
            self.env["sale.order"]._cron_send_pending_emails(auto_commit=False)

    def _notes(self, record, text):
        return record.message_ids.filtered(lambda m: text in (m.body or ""))

    def _notifications_to(self, user):
        self.env.cr.precommit.run()  # the bus writes its messages on commit
        channel = [self.env.cr.dbname, "res.partner", user.partner_id.id]
        return [
            json.loads(bus.message)
            for bus in self.env["bus.bus"].sudo().search([])
            if json.loads(bus.channel) == channel
        ]

    def test_conversion_queues_the_confirmation_without_rendering_it(self):
        triggers = self._queue_triggers()
        case, order = self._convert()

        self.assertEqual(order.state, "sale")
        self.assertEqual(order.pending_email_template_id, self.template)
        self.assertEqual(self._queue_triggers(), triggers + 1)
        # nothing rendered or sent while the user waits
        self.assertFalse(order.message_ids.filtered("attachment_ids"))
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
        )
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
        )
        self.assertFalse(self._notes(case, "Order confirmation of"))

    def test_queue_sends_the_confirmation_with_its_attachment(self):
        case, order = self._convert()
        self._run_queue()

        self.assertFalse(order.pending_email_template_id)
        sent = order.message_ids.filtered("attachment_ids")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.subject, f"Order confirmation {order.name}")
        self.assertIn(self.customer, sent.partner_ids)
        # the tests render reports as HTML; the PDF is checked in the HTTP tests
        self.assertTrue(
            sent.attachment_ids.name.startswith(f"Order Confirmation - {order.name}.")
        )
        [mail] = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(mail.mail_message_id, sent)
        self.assertEqual(mail.attachment_ids, sent.attachment_ids)
        self.assertEqual(mail.state, "sent")
        [email] = [m for m in self._mails if self.customer.email in str(m["email_to"])]
        self.assertEqual(email["email_from"], self.user_salesman.email_formatted)
        self.assertEqual(
            [name for name, _content, _type in email["attachments"]],
            sent.attachment_ids.mapped("name"),
        )
        # noted on the case once sent
        note = self._notes(case, "Order confirmation of")
        self.assertEqual(len(note), 1)
        self.assertIn(order.name, note.body)
        # sent once: the queue has nothing left to send
        self._run_queue()
        self.assertFalse(self._mails)

    def test_company_sends_when_the_salesperson_has_no_address(self):
        self.user_salesman.email = False
        _case, order = self._convert()
        self.assertEqual(order.pending_email_template_id, self.template)
        self._run_queue()
        self.assertSentEmail(
            self.company.email_formatted,
            [self.customer],
            subject=f"Order confirmation {order.name}",
        )

    def test_customer_without_address_converts_and_tells_the_user(self):
        self.customer.email = False
        triggers = self._queue_triggers()
        case, order = self._convert()

        self.assertEqual(order.state, "sale")
        self.assertEqual(case.sale_order_id, order)
        self.assertFalse(order.pending_email_template_id)
        self.assertEqual(self._queue_triggers(), triggers)
        message = (
            f"The order confirmation of {order.name} was not e-mailed: "
            "Vejle Maskinfabrik ApS has no e-mail address."
        )
        self.assertEqual(len(self._notes(order, message)), 1)
        self.assertEqual(len(self._notes(case, message)), 1)
        [notification] = [
            n
            for n in self._notifications_to(self.user_salesman)
            if n["type"] == "simple_notification"
        ]
        self.assertEqual(notification["payload"]["type"], "warning")
        self.assertIn(message, notification["payload"]["message"])

    def test_no_sender_address_converts_and_tells_the_user(self):
        self.user_salesman.email = False
        self.company.email = False
        case, order = self._convert()

        self.assertEqual(order.state, "sale")
        self.assertFalse(order.pending_email_template_id)
        message = (
            f"The order confirmation of {order.name} was not e-mailed: there is no "
            "address to send it from"
        )
        self.assertEqual(len(self._notes(order, message)), 1)
        self.assertEqual(len(self._notes(case, message)), 1)
        self.assertTrue(
            any(
                message in n["payload"].get("message", "")
                for n in self._notifications_to(self.user_salesman)
            )
        )

    def test_the_user_is_told_in_danish(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(["tracelink_crm"], ["da_DK"])
        self.customer.email = False
        case, order = self._convert(lang="da_DK")
        message = (
            f"Ordrebekræftelsen for {order.name} blev ikke sendt pr. e-mail: "
            "Vejle Maskinfabrik ApS har ingen e-mailadresse."
        )
        self.assertEqual(len(self._notes(order, message)), 1)
        self.assertEqual(len(self._notes(case, message)), 1)

    def test_a_danish_customer_gets_the_danish_e_mail(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(["tracelink_crm"], ["da_DK"])
        self.customer.lang = "da_DK"
        case, order = self._convert()
        self._run_queue()

        [mail] = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertIn("Kære", mail.body_html)
        self.assertIn("Tak for din ordre", mail.body_html)
        self.assertNotIn("Thank you for your order", mail.body_html)

    def test_nothing_queued_when_the_setting_is_off(self):
        self.company.tracelink_order_auto_send = False
        case, order = self._convert()
        self.assertFalse(order.pending_email_template_id)
        self.assertFalse(self._notes(order, "not e-mailed"))
        self._run_queue()
        self.assertFalse(self._mails)
        self.assertFalse(order.message_ids.filtered("attachment_ids"))
        self.assertFalse(self._notes(case, "Order confirmation of"))
