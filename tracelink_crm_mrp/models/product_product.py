from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _get_production_issues(self, company):
        """{product: reason} for the products an order cannot have made: an
        order's procurement makes a product with a bill of materials, the
        Manufacture route and a make-to-order route; one with none of them is
        bought or delivered from stock; anything in between cannot be made."""
        goods = self.filtered(lambda product: product.type == "consu")
        boms = self.env["mrp.bom"]._bom_find(
            goods, company_id=company.id, bom_type="normal"
        )
        issues = {}
        for product in goods:
            rules = (product.route_ids | product.categ_id.total_route_ids).rule_ids
            manufactured = any(rule.action == "manufacture" for rule in rules)
            to_order = any(rule.procure_method == "make_to_order" for rule in rules)
            if not boms.get(product) and not manufactured:
                continue
            if not boms.get(product):
                issues[product] = self.env._("it has no bill of materials")
            elif not manufactured:
                issues[product] = self.env._("it does not have the Manufacture route")
            elif not to_order:
                issues[product] = self.env._(
                    "it does not have the Replenish on Order (MTO) route"
                )
        return issues

    def _get_production_days(self, company):
        """Days from production start to finished goods (the longest of the
        BoMs' lead times, plus the company's manufacturing security lead
        time); None without a BoM."""
        goods = self.filtered(lambda product: product.type == "consu")
        boms = self.env["mrp.bom"]._bom_find(
            goods, company_id=company.id, bom_type="normal"
        )
        days = [
            bom.produce_delay + bom.days_to_prepare_mo for bom in boms.values() if bom
        ]
        if not days:
            return None
        return max(days) + company.manufacturing_lead
