from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_procurement_values(self, group_id=False):
        values = super()._prepare_procurement_values(group_id=group_id)
        # A case converted as a plain order: products that cannot be made are
        # delivered from stock instead of being sent to manufacturing.
        plain_order = self.env.context.get("tracelink_plain_order")
        if plain_order and not values.get("route_ids"):
            issues = self.product_id._get_production_issues(self.order_id.company_id)
            if issues and self.warehouse_id.delivery_route_id:
                values["route_ids"] = self.warehouse_id.delivery_route_id
        return values
