from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _prepare_procurement_values(self, group_id=False):
        values = super()._prepare_procurement_values(group_id=group_id)
        # A case converted as a plain order: products that cannot be made are
        # delivered from stock instead of being sent to manufacturing.
        if self.env.context.get("tracelink_plain_order") and not values.get(
            "route_ids"
        ):
            company = self.order_id.company_id
            if self.product_id._get_production_issues(company):
                delivery_route = self.warehouse_id.delivery_route_id
                if delivery_route:
                    values["route_ids"] = delivery_route
        return values
