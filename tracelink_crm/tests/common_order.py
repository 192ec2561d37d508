from odoo import Command

from .common import TracelinkCrmCommon


class TracelinkOrderCommon(TracelinkCrmCommon):
    """A customer with its own payment terms, pricelist, invoicing and delivery
    addresses, a sales team, a taxed default order product, and won cases to
    convert. E-mailing on conversion is off unless a test turns it on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_25 = cls.env["account.tax"].create(
            {
                "name": "Moms 25 %",
                "amount": 25,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.order_product = cls.env["product.product"].create(
            {
                "name": "Produktion efter ordre",
                "type": "consu",
                "list_price": 1,
                "taxes_id": [Command.set(cls.tax_25.ids)],
            }
        )
        cls.company.write(
            {
                "tracelink_order_product_id": cls.order_product.id,
                "tracelink_order_auto_send": False,
            }
        )
        cls.payment_term = cls.env["account.payment.term"].create(
            {
                "name": "Netto 30 dage",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100, "nb_days": 30}
                    )
                ],
            }
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Forhandlerpriser", "currency_id": cls.company.currency_id.id}
        )
        cls.team = cls.env["crm.team"].create({"name": "Salg Jylland"})
        cls.customer.write(
            {
                "email": "indkob@vejle-maskin.example.com",
                "company_registry": "16480894",
                "street": "Industrivej 4",
                "zip": "7100",
                "city": "Vejle",
                "lang": "en_US",
                "property_payment_term_id": cls.payment_term.id,
                "property_product_pricelist": cls.pricelist.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.invoice_address = Partner.create(
            {
                "name": "Bogholderiet",
                "type": "invoice",
                "parent_id": cls.customer.id,
                "email": "faktura@vejle-maskin.example.com",
            }
        )
        cls.delivery_address = Partner.create(
            {
                "name": "Varemodtagelsen",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "Havnevej 9",
                "zip": "7100",
                "city": "Vejle",
            }
        )

    @classmethod
    def _create_won_case(cls, **values):
        vals = {
            "name": "Svejste rammer til transportbånd",
            "expected_revenue": 48000,
            "team_id": cls.team.id,
            "customer_reference": "PO-4711",
            "production_start_date": "2026-09-01",
            "delivery_date": "2026-10-15",
            "description": "<p>20 rammer i <b>S235</b>, varmforzinkede.</p>",
        }
        vals.update(values)
        case = cls._create_case(**vals)
        case.stage_id = cls.stage_won
        return case

    @classmethod
    def _create_quotation(cls, case, price=1000, **values):
        vals = {
            "partner_id": case.partner_id.id,
            "opportunity_id": case.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": cls.order_product.id,
                        "product_uom_qty": 2,
                        "price_unit": price,
                    }
                )
            ],
        }
        vals.update(values)
        return cls.env["sale.order"].create(vals)

    def _orders_of(self, case):
        return self.env["sale.order"].search([("opportunity_id", "=", case.id)])
