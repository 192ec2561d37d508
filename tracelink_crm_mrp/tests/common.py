from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.tracelink_crm.tests.common_order import TracelinkOrderCommon


class TracelinkMrpCommon(TracelinkOrderCommon):
    """A metal workshop: a welded bracket made to order (bill of materials
    with 3 components, 2 work centres), a bought bolt kit, and products that
    cannot be made (a route without a BoM, a BoM without a route)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.today()
        cls.start_date = today + timedelta(days=10)
        cls.delivery_date = today + timedelta(days=40)
        cls.user_production = new_test_user(
            cls.env,
            login="tl_production",
            name="Peter Produktion",
            groups="sales_team.group_sale_salesman,mrp.group_mrp_user",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.route_mto = cls.env.ref("stock.route_warehouse0_mto")
        cls.route_mto.active = True
        cls.route_manufacture = cls.env.ref("mrp.route_warehouse0_manufacture")
        Product = cls.env["product.product"]
        cls.plate, cls.flat_bar, cls.bolts = Product.create(
            [
                {"name": "Stålplade 8 mm", "type": "consu"},
                {"name": "Fladstål 50x10", "type": "consu"},
                {"name": "Boltsæt M12", "type": "consu"},
            ]
        )
        cls.bracket = Product.create(
            {
                "name": "Svejset beslag",
                "type": "consu",
                "is_storable": True,
                "list_price": 1250,
                "route_ids": [
                    Command.set([cls.route_mto.id, cls.route_manufacture.id])
                ],
            }
        )
        Workcenter = cls.env["mrp.workcenter"]
        cls.laser = Workcenter.create({"name": "Laserskæring"})
        cls.welding = Workcenter.create({"name": "Svejsning"})
        cls.bracket_bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.bracket.product_tmpl_id.id,
                "product_qty": 1,
                "produce_delay": 5,
                "days_to_prepare_mo": 2,
                "bom_line_ids": [
                    Command.create({"product_id": cls.plate.id, "product_qty": 1}),
                    Command.create({"product_id": cls.flat_bar.id, "product_qty": 2}),
                    Command.create({"product_id": cls.bolts.id, "product_qty": 1}),
                ],
                "operation_ids": [
                    Command.create({"name": "Skæring", "workcenter_id": cls.laser.id}),
                    Command.create(
                        {"name": "Svejsning", "workcenter_id": cls.welding.id}
                    ),
                ],
            }
        )
        cls.bolt_kit = Product.create(
            {
                "name": "Boltsæt M12, indkøbt",
                "type": "consu",
                "is_storable": True,
                "list_price": 35,
            }
        )
        cls.no_bom = Product.create(
            {
                "name": "Trappevange uden stykliste",
                "type": "consu",
                "is_storable": True,
                "route_ids": [
                    Command.set([cls.route_mto.id, cls.route_manufacture.id])
                ],
            }
        )
        cls.no_route = Product.create(
            {"name": "Gelænder uden rute", "type": "consu", "is_storable": True}
        )
        cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.no_route.product_tmpl_id.id,
                "bom_line_ids": [Command.create({"product_id": cls.plate.id})],
            }
        )

    @classmethod
    def _line(cls, product, qty, price):
        return Command.create(
            {"product_id": product.id, "product_uom_qty": qty, "price_unit": price}
        )

    @classmethod
    def _create_case_with_lines(cls, **values):
        vals = {
            "line_ids": [
                cls._line(cls.bracket, 3, 1200),
                cls._line(cls.bolt_kit, 5, 40),
            ],
            "production_start_date": cls.start_date,
            "delivery_date": cls.delivery_date,
        }
        vals.update(values)
        return cls._create_won_case(**vals)
