from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmLeadConvertOrderHttp(HttpCase, TracelinkOrderCommon, MockEmail):
    def _convert(self, case_id):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.user_salesman.id,
            "tl_salesman",
            "crm.lead",
            "action_convert_to_order",
            [[case_id]],
        )

    def test_xmlrpc_second_conversion_refused(self):
        case = self._create_won_case()
        action = self._convert(case.id)
        self.assertEqual(action["res_model"], "sale.order")
        with self.assertRaises(Fault) as refused:
            self._convert(case.id)
        self.assertIn("already been converted", refused.exception.faultString)
        orders = self.env["sale.order"].search([("opportunity_id", "=", case.id)])
        self.assertEqual(len(orders), 1)
        self.assertEqual(orders.id, action["res_id"])
        self.assertIn(orders.name, refused.exception.faultString)

    def test_xmlrpc_open_case_refused_nothing_created(self):
        case = self._create_case(name="Åben sag")
        with self.assertRaises(Fault) as refused:
            self._convert(case.id)
        self.assertIn(
            "is not won: only won cases can be converted", refused.exception.faultString
        )
        self.assertFalse(
            self.env["sale.order"].search([("opportunity_id", "=", case.id)])
        )

    def test_queue_sends_the_pdf_of_a_conversion(self):
        """The real thing once: converted over XML-RPC, the order confirmation
        waits for the queue, which renders it through wkhtmltopdf and e-mails
        it. An HTTP test, as wkhtmltopdf loads the report styles from this
        server.
        """
        self.company.write(
            {"tracelink_order_auto_send": True, "email": "salg@tracelink.example.com"}
        )
        case = self._create_won_case(name="Med PDF")
        order_id = self._convert(case.id)["res_id"]
        order = self.env["sale.order"].browse(order_id)
        self.assertTrue(order.pending_email_template_id)
        self.assertFalse(order.message_ids.attachment_ids)

        with self.mock_mail_gateway():
            self.env["sale.order"].with_context(
                force_report_rendering=True
            )._cron_send_pending_emails(auto_commit=False)
        sent = order.message_ids.filtered("attachment_ids")
        self.assertEqual(len(sent), 1)
        attachment = sent.attachment_ids
        self.assertEqual(attachment.name, f"Order Confirmation - {order.name}.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF-"))
        self.assertIn(b"/Type /Page", attachment.raw)
        [mail] = self._new_mails.filtered(lambda m: self.customer in m.recipient_ids)
        self.assertEqual(mail.attachment_ids, attachment)
        [email] = [m for m in self._mails if self.customer.email in str(m["email_to"])]
        [(name, content, mimetype)] = email["attachments"]
        self.assertEqual(name, attachment.name)
        self.assertEqual(mimetype, "application/pdf")
        self.assertEqual(content, attachment.raw)

    def test_convert_and_send_tour(self):
        admin = self.env.ref("base.user_admin")
        case = self._create_won_case(
            name="Tour won case", user_id=admin.id, customer_reference="PO-TOUR"
        )
        admin.tour_enabled = False
        self.start_tour(
            f"/odoo/crm/{case.id}", "tracelink_crm_convert_order_tour", login="admin"
        )
        order = case.sale_order_id
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.client_order_ref, "PO-TOUR")
        self.assertTrue(order.message_ids.filtered("attachment_ids"))
        self.assertTrue(
            case.message_ids.filtered(
                lambda m: "Order confirmation of" in (m.body or "")
            )
        )
