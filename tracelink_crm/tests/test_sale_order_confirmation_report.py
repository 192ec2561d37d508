import base64

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import file_open
from odoo.tools.safe_eval import safe_eval

from .common_order import TracelinkOrderCommon

REPORT = "tracelink_crm.sale_order_action_report_confirmation"


@tagged("post_install", "-at_install")
class TestSaleOrderConfirmationReport(TracelinkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls._create_won_case()
        cls.case.action_convert_to_order()
        cls.order = cls.case.sale_order_id

    def _render_html(self, order):
        html, report_type = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, order.ids
        )
        self.assertEqual(report_type, "html")
        return html.decode()

    def test_report_in_english_for_an_english_customer(self):
        self.company.write({"company_registry": "37264216", "phone": "+45 97 52 00 00"})
        html = self._render_html(self.order)
        for expected in (
            "Order Confirmation",
            self.order.name,
            "Vejle Maskinfabrik ApS",
            "CVR no.",
            "16480894",
            "Your Reference",
            "PO-4711",
            "Svejste rammer til transportbånd",
            "20 rammer i *S235*, varmforzinkede.",
            "Moms 25 %",
            "48,000.00",
            "12,000.00",
            "60,000.00",
            "Production Start",
            "09/01/2026",
            "Delivery Date",
            "10/15/2026",
            "Payment Terms",
            "Netto 30 dage",
            "Salesperson",
            "Sofie Sælger",
            "Varemodtagelsen",
            "Bogholderiet",
            # the seller, while the company has no report footer of its own
            "CVR no. 37264216",
            "Phone +45 97 52 00 00",
        ):
            self.assertIn(expected, html)
        self.assertNotIn("Ordrebekræftelse", html)
        self.assertNotIn("Quotation #", html)

    def test_report_in_danish_for_a_danish_customer(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(
            ["sale", "tracelink_crm"], ["da_DK"]
        )
        self.customer.lang = "da_DK"
        html = self._render_html(self.order)
        for expected in (
            "Ordrebekræftelse",
            self.order.name,
            "CVR-nr.",
            "16480894",
            "Deres reference",  # Odoo's own Danish
            "PO-4711",
            "Svejste rammer til transportbånd",
            "48.000,00",
            "60.000,00",
            "Produktionsstart",
            "01-09-2026",
            "Leveringsdato",
            "15-10-2026",
            "Betalingsbetingelser",
            "Netto 30 dage",
            "Sælger",
            "Sofie Sælger",
        ):
            self.assertIn(expected, html)
        self.assertNotIn("Order Confirmation", html)
        report = self.env.ref(REPORT)
        self.assertEqual(
            safe_eval(report.print_report_name, {"object": self.order}),
            f"Ordrebekræftelse - {self.order.name}",
        )

    def test_report_without_cvr_shows_vat_and_without_dates_shows_dashes(self):
        self.customer.write({"company_registry": False, "vat": "DK16480894"})
        case = self._create_won_case(
            name="Uden datoer", production_start_date=False, delivery_date=False
        )
        case.action_convert_to_order()
        html = self._render_html(case.sale_order_id)
        self.assertIn("DK16480894", html)
        self.assertNotIn("CVR no.", html)
        self.assertNotIn("09/01/2026", html)

    def test_report_labels_the_order_date_itself(self):
        """Odoo's Danish for "Order Date" is misspelt ("Bestilingsdato"): the
        confirmation's label is its own, in English and Danish."""
        self.assertIn("Order Date", self._render_html(self.order))
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(
            ["sale", "tracelink_crm"], ["da_DK"]
        )
        self.customer.lang = "da_DK"
        html = self._render_html(self.order)
        self.assertIn("Ordredato", html)
        self.assertNotIn("Bestilingsdato", html)

    def test_report_without_payment_terms_leaves_them_out(self):
        self.customer.property_payment_term_id = False
        case = self._create_won_case(name="Uden betalingsbetingelser")
        case.action_convert_to_order()
        self.assertFalse(case.sale_order_id.payment_term_id)
        html = self._render_html(case.sale_order_id)
        self.assertNotIn("Payment Terms", html)
        self.assertNotIn('name="payment_terms"', html)
        self.assertIn("Payment Terms", self._render_html(self.order))

    def test_report_prints_the_company_logo_never_the_placeholder(self):
        company = self.order.company_id
        logo = base64.b64encode(
            file_open("base/static/img/logo_sample.png", "rb").read()
        )
        for value, printed in (
            (company._get_logo(), False),  # Odoo's "Your logo" picture
            (False, False),
            (logo, True),
        ):
            with self.subTest(logo=bool(value), printed=printed):
                company.logo = value
                html = self._render_html(self.order)
                self.assertEqual('alt="Logo"' in html, printed)

    def test_report_shows_the_order_not_the_case(self):
        """Customer-facing paper: the case is internal (its name may say
        anything about the customer); only the order's own fields print."""
        self.case.name = "Intern: kunden forhandler haardt"
        self.company.report_footer = "<p>Tracelink Maskiner ApS</p>"
        html = self._render_html(self.order)
        self.assertNotIn("Intern: kunden", html)
        self.assertNotIn('name="case"', html)
        self.assertIn("PO-4711", html)
        # with a footer of its own, the seller details are not repeated
        self.assertNotIn('name="seller_details"', html)

    def test_report_keeps_core_sections_notes_and_discounts(self):
        self.order.write(
            {
                "order_line": [
                    Command.create(
                        {"display_type": "line_section", "name": "Rammer, trin 2"}
                    ),
                    Command.create(
                        {
                            "product_id": self.order_product.id,
                            "name": "Ekstra rammer",
                            "product_uom_qty": 1,
                            "price_unit": 1000,
                            "discount": 10,
                        }
                    ),
                    Command.create(
                        {"display_type": "line_note", "name": "Leveres på paller"}
                    ),
                ]
            }
        )
        html = self._render_html(self.order)
        for expected in ("Rammer, trin 2", "Leveres på paller", "Disc.%", "900.00"):
            self.assertIn(expected, html)

    def test_report_is_printable_from_the_order(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "sale.order")
        self.assertEqual(report.binding_type, "report")
        self.assertEqual(report.report_type, "qweb-pdf")
        self.assertEqual(
            safe_eval(report.print_report_name, {"object": self.order}),
            f"Order Confirmation - {self.order.name}",
        )

    def test_send_order_confirmation_through_the_composer(self):
        action = self.order.with_user(
            self.user_salesman
        ).action_send_order_confirmation()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer_env = self.env(
            user=self.user_salesman, context=dict(self.env.context, **action["context"])
        )
        form = Form(composer_env["mail.compose.message"])
        self.assertEqual(form.subject, f"Order confirmation {self.order.name}")
        self.assertEqual(len(form.attachment_ids), 1)
        # The tests render reports as HTML (the PDF test is in the HTTP tests).
        filename = f"Order Confirmation - {self.order.name}."
        self.assertTrue(form.attachment_ids[0].name.startswith(filename))
        form.save().action_send_mail()

        sent = self.order.message_ids.filtered("attachment_ids")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent.author_id, self.user_salesman.partner_id)
        self.assertIn(self.customer, sent.partner_ids)
        self.assertTrue(sent.attachment_ids.name.startswith(filename))
        note = self.case.message_ids.filtered(
            lambda m: "Order confirmation of" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn(self.order.name, note.body)
        self.assertIn("Vejle Maskinfabrik ApS", note.body)

    def test_send_refused_for_a_quotation(self):
        quotation = self._create_quotation(self._create_won_case(name="Tilbud"))
        with self.assertRaisesRegex(UserError, "not a confirmed order"):
            quotation.action_send_order_confirmation()
