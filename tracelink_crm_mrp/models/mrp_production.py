from odoo import models


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") != "done":
            return res
        # a note on the case when the last manufacturing order of its order is
        # done
        productions = self.sudo()
        group_mos = productions.procurement_group_id.mrp_production_ids
        orders = (
            group_mos.move_dest_ids.group_id.sale_id | productions.sale_line_id.order_id
        )
        for order in orders.filtered("opportunity_id"):
            mos = order.mrp_production_ids.filtered(lambda mo: mo.state != "cancel")
            if not mos or any(mo.state != "done" for mo in mos):
                continue
            order.opportunity_id._message_log(
                body=self.env._(
                    "Production of the order %(order)s is done: %(productions)s.",
                    order=order._get_html_link(),
                    productions=", ".join(mos.mapped("name")),
                )
            )
        return res
