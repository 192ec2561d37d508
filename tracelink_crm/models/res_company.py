from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import is_html_empty


class ResCompany(models.Model):
    _inherit = "res.company"

    tracelink_order_product_id = fields.Many2one(
        "product.product",
        string="Default Order Product",
        default=lambda self: self.env.ref(
            "tracelink_crm.product_product_order_default", raise_if_not_found=False
        ),
        domain=[("sale_ok", "=", True)],
        help="Product of the single order line made when a won case without a "
        "quotation is converted to an order; the line carries the case's name, "
        "description and value.",
    )
    tracelink_order_auto_send = fields.Boolean(
        string="E-mail Order Confirmation on Conversion",
        default=True,
        help="When a case is converted to an order, e-mail the order "
        "confirmation (PDF) to the customer.",
    )

    @api.model
    def _set_default_order_product(self):
        """For the companies there at installation (new ones: the default)."""
        product = self.env.ref(
            "tracelink_crm.product_product_order_default", raise_if_not_found=False
        )
        if product:
            self.sudo().search(
                [("tracelink_order_product_id", "=", False)]
            ).tracelink_order_product_id = product

    def _tracelink_seller_details(self):
        """What Danish business papers carry besides the seller's name and
        address, in one line."""
        self.ensure_one()
        bank = self.partner_id.bank_ids[:1]
        parts = [
            self.company_registry and self.env._("CVR no. %s", self.company_registry),
            self.phone and self.env._("Phone %s", self.phone),
            self.email,
            self.website,
            bank
            and self.env._(
                "Bank: %s", " ".join(filter(None, [bank.bank_id.name, bank.acc_number]))
            ),
        ]
        return Markup(" · ").join(part for part in parts if part)

    def _tracelink_set_report_footer(self):
        """The seller details in the footer of companies without one, in each
        language (English first: the others translate its terms)."""
        codes = sorted(
            (code for code, _name in self.env["res.lang"].get_installed()),
            key=lambda code: code != "en_US",
        )
        for company in self.filtered(lambda c: is_html_empty(c.report_footer)):
            for code in codes:
                localized = company.with_context(lang=code)
                localized.report_footer = localized._tracelink_seller_details()
