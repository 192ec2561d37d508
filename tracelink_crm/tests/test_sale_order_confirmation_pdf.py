import io
import shutil
import subprocess

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

REPORT = "tracelink_crm.sale_order_action_report_confirmation"
A4_POINTS = (595, 842)


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
        env["ir.module.module"]._load_module_terms(["tracelink_crm"], ["da_DK"])
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
        cls.case = env["crm.lead"].create(
            {
                "name": "Trapper til ny hal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "company_id": cls.seller.id,
                "expected_revenue": 120000,
                "customer_reference": "HM-2026-117",
                "production_start_date": "2026-11-02",
                "delivery_date": "2026-12-04",
            }
        )
        cls.case.stage_id = env["crm.stage"]._get_fixed_stage("won")
        cls.case.action_convert_to_order()
        cls.order = cls.case.sale_order_id

    def test_pdf_of_a_converted_case(self):
        self.assertTrue(shutil.which("pdftotext"), "pdftotext is not installed")
        # printed by a Danish user: the page footer is in the printer's
        # language, the document in the customer's (both Danish here)
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True, lang="da_DK")
            ._render_qweb_pdf(REPORT, self.order.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))

        page = PdfFileReader(io.BytesIO(pdf)).pages[0]
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        self.assertEqual(size, A4_POINTS)

        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode()
        # pdftotext may break a long line; compare words, not layout
        words = " ".join(text.split())
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
