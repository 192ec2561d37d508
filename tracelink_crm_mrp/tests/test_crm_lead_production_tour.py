from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import TracelinkMrpCommon


@tagged("post_install", "-at_install")
class TestCrmLeadProductionTour(HttpCase, TracelinkMrpCommon):
    def test_convert_and_open_production_tour(self):
        admin = self.env.ref("base.user_admin")
        admin.tour_enabled = False
        case = self._create_case_with_lines(
            name="Tour beslag",
            user_id=admin.id,
            delivery_date=self.start_date + timedelta(days=3),
        )
        self.start_tour(
            f"/odoo/crm/{case.id}", "tracelink_crm_mrp_production_tour", login="admin"
        )
        self.assertEqual(case.delivery_delay_days, 4)
        production = case.sale_order_id.sudo().mrp_production_ids
        self.assertEqual(case.sale_order_id.state, "sale")
        self.assertEqual(production.product_id, self.bracket)
        self.assertEqual(production.product_qty, 3)
