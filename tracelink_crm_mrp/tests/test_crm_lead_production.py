from datetime import date, datetime, time, timedelta

from odoo import fields
from odoo.tests import Form, tagged
from odoo.tools import format_date

from .common import TracelinkMrpCommon


@tagged("post_install", "-at_install")
class TestCrmLeadProduction(TracelinkMrpCommon):
    def _convert(self, case, user=None):
        return case.with_user(user or self.user_salesman).action_convert_to_order()

    def _productions(self, case):
        return case.sale_order_id.sudo().mrp_production_ids

    def _finish(self, production):
        form = Form(production.with_user(self.user_production))
        form.qty_producing = production.product_qty
        form.save()
        production.with_user(self.user_production).button_mark_done()

    def test_convert_makes_one_planned_manufacturing_order(self):
        case = self._create_case_with_lines()
        action = self._convert(case)
        order = case.sale_order_id
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(order.state, "sale")
        self.assertEqual(len(order.order_line), 2)
        production = self._productions(case)
        self.assertEqual(len(production), 1)
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(production.product_id, self.bracket)
        self.assertEqual(production.product_qty, 3)
        self.assertEqual(production.bom_id, self.bracket_bom)
        self.assertEqual(production.date_start.date(), self.start_date)
        self.assertEqual(
            production.date_deadline, datetime.combine(self.delivery_date, time(12))
        )
        self.assertEqual(len(production.workorder_ids), 2)
        # the bought bolt kit is delivered from stock, nothing is made of it
        delivered = order.picking_ids.move_ids.product_id
        self.assertEqual(delivered, self.bracket | self.bolt_kit)

    def test_cannot_be_made_refused_nothing_created(self):
        case = self._create_case_with_lines(
            line_ids=[
                self._line(self.bracket, 2, 1200),
                self._line(self.no_bom, 1, 900),
                self._line(self.no_route, 1, 700),
            ]
        )
        action = self._convert(case)
        self.assertEqual(action["res_model"], "tracelink.crm.plain.order.wizard")
        self.assertFalse(self._orders_of(case))
        self.assertFalse(case.sale_order_id)
        self.assertFalse(
            self.env["mrp.production"].search([("product_id", "=", self.bracket.id)])
        )
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_salesman)
            .with_context(**action["context"])
        ).save()
        self.assertEqual(wizard.product_ids, self.no_bom | self.no_route)
        self.assertIn(
            "Trappevange uden stykliste: it has no bill of materials", wizard.reasons
        )
        self.assertIn(
            "Gelænder uden rute: it does not have the Manufacture route",
            wizard.reasons,
        )
        self.assertNotIn("Svejset beslag", wizard.reasons)
        self.assertFalse(self._orders_of(case))

    def test_convert_anyway_as_plain_order(self):
        case = self._create_case_with_lines(
            line_ids=[
                self._line(self.bracket, 2, 1200),
                self._line(self.no_bom, 1, 900),
            ]
        )
        action = self._convert(case)
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.user_salesman)
            .with_context(**action["context"])
        ).save()
        result = wizard.action_convert_plain()
        order = case.sale_order_id
        self.assertEqual(result["res_id"], order.id)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.product_id, self.bracket | self.no_bom)
        # the bracket is still made; the product without BoM comes from stock
        self.assertEqual(self._productions(case).product_id, self.bracket)
        self.assertIn(self.no_bom, order.picking_ids.move_ids.product_id)

    def test_convert_anyway_then_the_cvr_status_question_once_each(self):
        """A customer not active in CVR and a product that cannot be made: each
        question is asked once, then the order is made."""
        self.customer.sudo().cvr_status = "bankruptcy"
        case = self._create_case_with_lines(
            line_ids=[
                self._line(self.bracket, 2, 1200),
                self._line(self.no_bom, 1, 900),
            ]
        )
        dialogs = []
        action = self._convert(case)
        while action.get("target") == "new" and len(dialogs) < 3:
            dialogs.append(action["res_model"])
            wizard = (
                self.env[action["res_model"]]
                .with_user(self.user_salesman)
                .with_context(**action["context"])
                .create({})
            )
            if action["res_model"] == "tracelink.crm.plain.order.wizard":
                action = wizard.action_convert_plain()
            else:
                action = wizard.action_convert()
        self.assertEqual(
            dialogs,
            ["tracelink.crm.plain.order.wizard", "tracelink.crm.convert.status.wizard"],
        )
        self.assertEqual(action["res_id"], case.sale_order_id.id)
        self.assertEqual(case.sale_order_id.state, "sale")
        self.assertEqual(self._productions(case).product_id, self.bracket)

    def test_quotation_with_product_that_cannot_be_made_refused(self):
        case = self._create_won_case()
        quotation = self._create_quotation(case, user_id=self.user_salesman.id)
        quotation.order_line.product_id = self.no_bom
        action = self._convert(case)
        self.assertEqual(action["res_model"], "tracelink.crm.plain.order.wizard")
        self.assertEqual(action["context"]["default_sale_order_id"], quotation.id)
        self.assertEqual(quotation.state, "draft")

    def test_production_state_late_and_done_note(self):
        case = self._create_case_with_lines()
        other_case = self._create_won_case(name="Uden produktion")
        self._convert(case)
        self._convert(other_case)
        order = case.sale_order_id
        production = self._productions(case)
        tab = case.with_user(self.user_salesman).customer_order_ids
        self.assertIn(order, tab)
        self.assertEqual(
            {o.id: o.production_state for o in tab},
            {order.id: "waiting", other_case.sale_order_id.id: False},
        )
        production.date_deadline = fields.Datetime.now() - timedelta(days=1)
        order.invalidate_recordset(["production_state"])
        self.assertEqual(order.with_user(self.user_salesman).production_state, "late")
        production.date_deadline = fields.Datetime.now() + timedelta(days=10)
        production.with_user(self.user_production).action_start()
        order.invalidate_recordset(["production_state"])
        self.assertEqual(production.state, "progress")
        self.assertEqual(order.production_state, "progress")
        self.assertFalse(
            case.message_ids.filtered(
                lambda m: "Production of the order" in (m.body or "")
            )
        )
        self._finish(production)
        self.assertEqual(production.state, "done")
        order.invalidate_recordset(["production_state"])
        self.assertEqual(order.production_state, "done")
        notes = case.message_ids.filtered(
            lambda m: "Production of the order" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn(order.name, notes.body)
        self.assertIn(production.name, notes.body)

    def test_production_button_count_and_action(self):
        case = self._create_case_with_lines(user_id=self.user_production.id)
        self.assertEqual(case.production_count, 0)
        self._convert(case, self.user_production)
        case = case.with_user(self.user_production)
        case.invalidate_recordset(["production_count", "production_ids"])
        self.assertEqual(case.production_count, 1)
        action = case.action_open_productions()
        self.assertEqual(action["res_model"], "mrp.production")
        self.assertEqual(action["res_id"], self._productions(case).id)
        # the button is for people who may open manufacturing orders
        arch = case.get_view(view_type="form")["arch"]
        self.assertIn('name="action_open_productions"', arch)
        salesman_arch = (
            self.env["crm.lead"].with_user(self.user_salesman).get_view()["arch"]
        )
        self.assertNotIn('name="action_open_productions"', salesman_arch)

    def test_delivery_warning_when_production_ends_late(self):
        self.company.manufacturing_lead = 1
        case = self._create_case_with_lines(
            production_start_date="2026-09-01", delivery_date="2026-09-20"
        )
        self.assertEqual(case.production_end_date, date(2026, 9, 9))
        self.assertEqual(case.delivery_delay_days, 0)
        with Form(case.with_user(self.user_salesman)) as form:
            # 5 days to make, 2 to prepare, 1 of security: ends 9 September
            self.assertFalse(form.delivery_warning)
            form.delivery_date = date(2026, 9, 6)
            self.assertEqual(
                form.delivery_warning,
                "Production ends 3 days after the promised delivery "
                f"({format_date(self.env, date(2026, 9, 9))}).",
            )
            form.production_start_date = date(2026, 8, 20)
            self.assertFalse(form.delivery_warning)
            form.delivery_date = date(2026, 8, 27)
            self.assertEqual(
                form.delivery_warning,
                "Production ends 1 day after the promised delivery "
                f"({format_date(self.env, date(2026, 8, 28))}).",
            )
            form.delivery_date = date(2026, 9, 6)
            form.production_start_date = date(2026, 9, 2)
            self.assertIn("Production ends 4 days after", form.delivery_warning)
        self.assertEqual(case.production_end_date, date(2026, 9, 10))
        self.assertEqual(case.delivery_delay_days, 4)
        arch = case.get_view(view_type="form")["arch"]
        self.assertIn('name="delivery_warning"', arch)
        bought_only = self._create_won_case(
            line_ids=[self._line(self.bolt_kit, 5, 40)],
            production_start_date="2026-09-01",
            delivery_date="2026-09-02",
        )
        self.assertFalse(bought_only.production_end_date)
        self.assertEqual(bought_only.delivery_delay_days, 0)

    def test_order_list_shows_production_state(self):
        arch = self.env["sale.order"].get_view(
            self.env.ref("sale.view_order_tree").id, "list"
        )["arch"]
        self.assertIn('name="production_state"', arch)

    def test_messages_in_danish(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(
            ["tracelink_crm_mrp"], ["da_DK"]
        )
        case = self._create_case_with_lines(
            line_ids=[self._line(self.no_bom, 1, 900)],
            production_start_date="2026-09-01",
            delivery_date="2026-09-02",
        )
        action = case.with_context(lang="da_DK").action_convert_to_order()
        self.assertIn("den har ingen stykliste", action["context"]["default_reasons"])
        self.assertEqual(action["name"], "Produkter der ikke kan fremstilles")
        case.line_ids = [self._line(self.bracket, 1, 1200)]
        self.assertIn(
            "Produktionen slutter 6 dage efter den lovede levering",
            case.with_context(lang="da_DK").delivery_warning,
        )
