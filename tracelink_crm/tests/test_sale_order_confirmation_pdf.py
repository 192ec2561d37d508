import base64
import io
import shutil
import subprocess
import tempfile

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.pdf import PdfFileReader

REPORT = "tracelink_crm.sale_order_action_report_confirmation"
A4_POINTS = (595, 842)
# a logo of no company in particular: Odoo's own sample
LOGO = "base/static/img/logo_sample.png"


@tagged("post_install", "-at_install")
class TestSaleOrderConfirmationPdf(HttpCase):
    """The order confirmation as the customer gets it: a PDF rendered by
    wkhtmltopdf, read back as text (pdftotext). An HTTP test, as wkhtmltopdf
    loads the report styles from this server.

    A Danish manufacturer of its own (not the database's first company, not
    demo data) sells to a Danish customer.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("da_DK")
        # Odoo's Danish of the document (countries, units, layouts, the order,
        # its totals), then ours, in the order of an installation
        env["ir.module.module"]._load_module_terms(
            ["base", "uom", "web", "account", "sale", "tracelink_crm"], ["da_DK"]
        )
        denmark = env.ref("base.dk")
        dkk = env.ref("base.DKK")
        dkk.active = True
        cls.seller = env["res.company"].create(
            {
                "name": "Skive Stålkonstruktion ApS",
                "street": "Fabriksvej 12",
                "zip": "7800",
                "city": "Skive",
                "country_id": denmark.id,
                "company_registry": "31425364",
                "phone": "+45 97 52 11 22",
                "email": "salg@skive-staal.example.com",
                "website": "https://skive-staal.example.com",
                "currency_id": dkk.id,
            }
        )
        env["res.partner.bank"].create(
            {
                "partner_id": cls.seller.partner_id.id,
                "acc_number": "7890 0001234567",
                "bank_id": env["res.bank"].create({"name": "Sparekassen Skive"}).id,
            }
        )
        cls.seller._tracelink_set_report_footer()
        # the seller's own environment: its company, its defaults
        env = cls.env(context=dict(env.context, allowed_company_ids=cls.seller.ids))
        tax = env["account.tax"].create(
            {
                "name": "Salgsmoms 25 %",
                "amount": 25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.seller.id,
                "tax_group_id": env["account.tax.group"]
                .create({"name": "Moms 25 %", "company_id": cls.seller.id})
                .id,
            }
        )
        cls.seller.write(
            {
                "tracelink_order_product_id": env["product.product"]
                .create(
                    {
                        "name": "Stålkonstruktion efter ordre",
                        "type": "consu",
                        "list_price": 1,
                        "company_id": cls.seller.id,
                        "taxes_id": [Command.set(tax.ids)],
                    }
                )
                .id,
                "tracelink_order_auto_send": False,
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Holstebro Maskinværksted A/S",
                "is_company": True,
                "company_registry": "29384756",
                "street": "Værkstedsvej 3",
                "zip": "7500",
                "city": "Holstebro",
                "country_id": denmark.id,
                "lang": "da_DK",
            }
        )
        # the seller's salesperson, who converts the cases
        cls.salesperson = new_test_user(
            env,
            login="mette_skive",
            name="Mette Kjærgaard",
            email="mette@skive-staal.example.com",
            groups="sales_team.group_sale_salesman",
            company_id=cls.seller.id,
            company_ids=[Command.set(cls.seller.ids)],
        )
        won = env.ref("crm.stage_lead4")
        cls.case, cls.case_with_terms = env["crm.lead"].create(
            [
                {
                    "name": "Trapper til ny hal",
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "company_id": cls.seller.id,
                    "user_id": cls.salesperson.id,
                    "expected_revenue": 120000,
                    "customer_reference": "HM-2026-117",
                    "production_start_date": "2026-11-02",
                    "delivery_date": "2026-12-04",
                },
                {
                    "name": "Gelændere til ny hal",
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "company_id": cls.seller.id,
                    "user_id": cls.salesperson.id,
                    "expected_revenue": 40000,
                },
            ]
        )
        (cls.case | cls.case_with_terms).stage_id = won
        sales = env(user=cls.salesperson)
        sales["crm.lead"].browse(cls.case.id).action_convert_to_order()
        cls.order = cls.case.sale_order_id
        # at noon: the order date prints as the same day in any Danish hour
        cls.order.date_order = "2026-10-20 12:00:00"
        # the same customer with payment terms, for the second order
        cls.customer.property_payment_term_id = env["account.payment.term"].create(
            {
                "name": "Netto 8 dage",
                "company_id": cls.seller.id,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 8}
                    )
                ],
            }
        )
        sales["crm.lead"].browse(cls.case_with_terms.id).action_convert_to_order()
        cls.order_with_terms = cls.case_with_terms.sale_order_id

    def _render_pdf(self, orders):
        # printed by a Danish user: the page footer is in the printer's
        # language, the document in the customer's (both Danish here)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, lang="da_DK")
            ._render_qweb_pdf(REPORT, orders.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        return pdf

    def _pdftotext(self, pdf):
        """The words of each page (pdftotext may break a long line: compare
        words, not layout)."""
        self.assertTrue(shutil.which("pdftotext"), "pdftotext is not installed")
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return [" ".join(page.split()) for page in text.split("\f") if page.strip()]

    def test_pdf_of_a_converted_case(self):
        pdf = self._render_pdf(self.order)
        page = PdfFileReader(io.BytesIO(pdf)).pages[0]
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        self.assertEqual(size, A4_POINTS)

        [words] = self._pdftotext(pdf)
        self.assertEqual(self.order.amount_total, 150000)
        for expected in (
            "Ordrebekræftelse",
            self.order.name,
            # the seller, in the header and footer of the page
            "Skive Stålkonstruktion ApS",
            "Fabriksvej 12",
            "CVR-nr. 31425364",
            "+45 97 52 11 22",
            "salg@skive-staal.example.com",
            "7890 0001234567",
            # the customer
            "Holstebro Maskinværksted A/S",
            "29384756",
            "HM-2026-117",
            # the dates, as dates
            "02-11-2026",
            "04-12-2026",
        ):
            self.assertIn(expected, words)
        # the total in Danish kroner, 25 % moms included
        self.assertRegex(words, r"Total (kr\.?|DKK) 150\.000,00|Total 150\.000,00 kr")
        self.assertNotRegex(words, r"04-12-2026 \d{2}:\d{2}")

    def test_every_word_is_danish(self):
        """The whole page, word for word: Danish labels (Odoo's misspelt
        "Bestilingsdato" and untranslated "Page" replaced), the salesperson,
        and no payment terms label without payment terms."""
        [words] = self._pdftotext(self._render_pdf(self.order))
        self.assertEqual(
            words,
            "Skive Stålkonstruktion ApS Fabriksvej 12 7800 Skive Danmark "
            "Holstebro Maskinværksted A/S Værkstedsvej 3 7500 Holstebro Danmark "
            "CVR-nr.: 29384756 "
            f"Ordrebekræftelse {self.order.name} "
            "Deres reference Ordredato Sælger "
            "HM-2026-117 20-10-2026 Mette Kjærgaard "
            "Produktionsstart Leveringsdato 02-11-2026 04-12-2026 "
            "Beskrivelse Antal Enhedspris Moms Beløb "
            "Trapper til ny hal 1,00 Enheder 120.000,00 Salgsmoms 25 % "
            "kr 120.000,00 "
            "Beløb før moms kr 120.000,00 Moms 25 % kr 30.000,00 "
            "Total kr 150.000,00 "
            # the footer: the seller's details, the page number beside them
            "CVR-nr. 31425364 · Tlf. +45 97 52 11 22 · salg@skive-staal.example.com "
            "· https://skive-staal.example.com · Side 1 / 1 "
            "Bank: Sparekassen Skive 7890 0001234567",
        )

    def test_payment_terms_when_the_order_has_them(self):
        without, with_terms = self._pdftotext(
            self._render_pdf(self.order | self.order_with_terms)
        )
        self.assertIn(f"Ordrebekræftelse {self.order.name} ", without)
        self.assertNotIn("Betalingsbetingelser", without)
        self.assertIn(f"Ordrebekræftelse {self.order_with_terms.name} ", with_terms)
        self.assertIn("Produktionsstart Leveringsdato Betalingsbetingelser", with_terms)
        self.assertIn("- - Netto 8 dage", with_terms)

    def test_no_logo_placeholder(self):
        """A company that has not set its own logo prints none, not Odoo's
        "Your logo" picture; its own logo is printed."""
        self.assertTrue(shutil.which("pdfimages"), "pdfimages is not installed")
        self.assertTrue(self.seller.uses_default_logo)
        self.assertEqual(self._images(self._render_pdf(self.order)), 0)
        self.seller.logo = base64.b64encode(file_open(LOGO, "rb").read())
        self.assertFalse(self.seller.uses_default_logo)
        self.assertEqual(self._images(self._render_pdf(self.order)), 1)

    def _images(self, pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listing = subprocess.run(
                ["pdfimages", "-list", file.name],
                capture_output=True,
                check=True,
            ).stdout.decode()
        # after a header of two lines, a line per image (and per image mask)
        return sum(
            line.split()[2] == "image" for line in listing.strip().splitlines()[2:]
        )
