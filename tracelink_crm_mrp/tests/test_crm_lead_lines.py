from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import TracelinkMrpCommon


@tagged("post_install", "-at_install")
class TestCrmLeadLines(TracelinkMrpCommon):
    def test_value_follows_lines_and_is_editable_without(self):
        Lead = self.env["crm.lead"].with_context(default_type="opportunity")
        with Form(Lead.with_user(self.user_salesman)) as form:
            form.name = "Beslag til reol"
            form.partner_id = self.customer
            form.expected_revenue = 5000
            self.assertEqual(form.expected_revenue, 5000)
            with form.line_ids.new() as line:
                line.product_id = self.bracket
                self.assertEqual(line.price_unit, 1250)
                line.product_uom_qty = 4
                line.price_unit = 1100
            self.assertEqual(form.expected_revenue, 4400)
            with self.assertRaises(AssertionError):
                form.expected_revenue = 100
        case = form.record
        self.assertEqual(case.expected_revenue, 4400)
        case.line_ids[0].product_uom_qty = 5
        self.assertEqual(case.expected_revenue, 5500)
        with Form(case.with_user(self.user_salesman)) as form:
            form.line_ids.remove(0)
            form.expected_revenue = 7000
        self.assertFalse(case.line_ids)
        self.assertEqual(case.expected_revenue, 7000)

    def test_created_with_lines_takes_their_total(self):
        case = self._create_case_with_lines(expected_revenue=48000)
        self.assertEqual(case.expected_revenue, 3 * 1200 + 5 * 40)

    def test_convert_makes_order_with_exactly_the_lines(self):
        case = self._create_case_with_lines()
        case.with_user(self.user_salesman).action_convert_to_order()
        order = case.sale_order_id
        self.assertEqual(order.state, "sale")
        self.assertEqual(
            [
                (ol.product_id, ol.product_uom_qty, ol.price_unit)
                for ol in order.order_line
            ],
            [(self.bracket, 3, 1200), (self.bolt_kit, 5, 40)],
        )
        self.assertEqual(order.amount_untaxed, 3800)
        self.assertNotIn(self.order_product, order.order_line.product_id)

    def test_case_with_lines_needs_no_default_order_product(self):
        self.env.company.tracelink_order_product_id = False
        case = self._create_case_with_lines()
        case.with_user(self.user_salesman).action_convert_to_order()
        self.assertEqual(
            case.sale_order_id.order_line.product_id, self.bracket | self.bolt_kit
        )

    def test_convert_without_lines_uses_default_product(self):
        case = self._create_won_case(expected_revenue=12000)
        case.with_user(self.user_salesman).action_convert_to_order()
        line = case.sale_order_id.order_line
        self.assertEqual(line.product_id, self.order_product)
        self.assertEqual(line.price_unit, 12000)
        self.assertFalse(case.production_count)

    def test_lines_of_other_salespeople_cases_hidden(self):
        other = self._create_case_with_lines(user_id=self.user_salesman_all.id)
        lines = other.line_ids.with_user(self.user_salesman)
        with self.assertRaises(AccessError):
            lines.read(["product_id"])
        mine = self._create_case_with_lines()
        self.assertEqual(
            mine.line_ids.with_user(self.user_salesman).mapped("product_id"),
            self.bracket | self.bolt_kit,
        )
