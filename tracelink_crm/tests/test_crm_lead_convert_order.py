from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmLeadConvertOrder(TracelinkOrderCommon):
    def test_convert_without_quotation_fills_order_from_case_and_customer(self):
        case = self._create_won_case()
        action = case.action_convert_to_order()

        order = case.sale_order_id
        self.assertTrue(order)
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(self._orders_of(case), order)
        self.assertEqual(order.state, "sale")
        # from the customer
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.partner_invoice_id, self.invoice_address)
        self.assertEqual(order.partner_shipping_id, self.delivery_address)
        self.assertEqual(order.payment_term_id, self.payment_term)
        self.assertEqual(order.pricelist_id, self.pricelist)
        # from the case
        self.assertEqual(order.user_id, self.user_salesman)
        self.assertEqual(order.team_id, self.team)
        self.assertEqual(order.opportunity_id, case)
        self.assertEqual(order.origin, "Svejste rammer til transportbånd")
        self.assertEqual(order.client_order_ref, "PO-4711")
        self.assertEqual(order.production_start_date, date(2026, 9, 1))
        self.assertEqual(order.commitment_date, datetime(2026, 10, 15, 12, 0))
        # one line: the company's default product, the case's text and value
        line = order.order_line
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_id, self.order_product)
        self.assertEqual(line.product_uom_qty, 1)
        self.assertEqual(line.price_unit, 48000)
        self.assertEqual(
            line.name,
            "Svejste rammer til transportbånd\n20 rammer i *S235*, varmforzinkede.",
        )
        self.assertEqual(line.tax_id, self.tax_25)
        self.assertEqual(order.amount_untaxed, 48000)
        self.assertEqual(order.amount_total, 60000)
        # the case shows it: link, sale_crm counts, Orders tab, chatter
        self.assertEqual(case.sale_order_count, 1)
        self.assertEqual(case.quotation_count, 0)
        self.assertIn(order, case.customer_order_ids)
        self.assertIn(order.name, case.message_ids[0].body)
        self.assertIn("Converted to the order", case.message_ids[0].body)
        origin = order.message_ids.filtered(lambda m: "created from" in (m.body or ""))
        self.assertEqual(len(origin), 1)
        self.assertIn(case.name, origin.body)

    def test_convert_without_description_uses_case_name(self):
        case = self._create_won_case(description=False, customer_reference=False)
        case.action_convert_to_order()
        self.assertEqual(case.sale_order_id.order_line.name, case.name)
        self.assertFalse(case.sale_order_id.client_order_ref)

    def test_convert_confirms_the_single_quotation(self):
        case = self._create_won_case()
        quotation = self._create_quotation(case)
        other_customer_order = self._create_quotation(
            self._create_case(name="Anden sag", partner_id=self.other_customer.id)
        )
        action = case.action_convert_to_order()

        self.assertEqual(case.sale_order_id, quotation)
        self.assertEqual(action["res_id"], quotation.id)
        self.assertEqual(self._orders_of(case), quotation, "no new order is made")
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(quotation.order_line.price_unit, 1000, "lines kept")
        # what the quotation lacked comes from the case
        self.assertEqual(quotation.client_order_ref, "PO-4711")
        self.assertEqual(quotation.production_start_date, date(2026, 9, 1))
        self.assertEqual(quotation.commitment_date, datetime(2026, 10, 15, 12, 0))
        self.assertEqual(other_customer_order.state, "draft")

    def test_quotation_keeps_its_own_values(self):
        case = self._create_won_case()
        quotation = self._create_quotation(
            case,
            client_order_ref="Ordre 9",
            production_start_date="2026-08-01",
        )
        case.action_convert_to_order()
        self.assertEqual(quotation.client_order_ref, "Ordre 9")
        self.assertEqual(quotation.production_start_date, date(2026, 8, 1))

    def test_several_quotations_ask_which_one(self):
        case = self._create_won_case()
        first = self._create_quotation(case, price=1000)
        second = self._create_quotation(case, price=1200)
        action = case.action_convert_to_order()

        self.assertEqual(action["res_model"], "tracelink.crm.convert.order.wizard")
        self.assertFalse(case.sale_order_id, "nothing converted before the choice")
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])

        wizard_env = self.env(context=dict(self.env.context, **action["context"]))
        with Form(wizard_env[action["res_model"]]) as form:
            self.assertEqual(form.lead_id, case)
            form.sale_order_id = second
        result = form.record.action_convert()

        self.assertEqual(result["res_id"], second.id)
        self.assertEqual(case.sale_order_id, second)
        self.assertEqual(second.state, "sale")
        self.assertEqual(first.state, "draft")
        self.assertEqual(self._orders_of(case), first | second)

    def test_quotation_of_another_case_refused(self):
        case = self._create_won_case()
        self._create_quotation(case)
        other = self._create_quotation(self._create_won_case(name="Anden sag"))
        with self.assertRaisesRegex(UserError, "must be a quotation"):
            case.action_convert_to_order(quotation_id=other.id)
        self.assertFalse(case.sale_order_id)
        self.assertEqual(other.state, "draft")

    def test_second_conversion_refused(self):
        case = self._create_won_case()
        case.action_convert_to_order()
        order = case.sale_order_id
        with self.assertRaisesRegex(UserError, "already been converted"):
            case.action_convert_to_order()
        # also when the cache was left behind by someone else's conversion
        other_view = self.env["crm.lead"].browse(case.id)
        other_view.invalidate_recordset()
        with self.assertRaisesRegex(UserError, order.name):
            other_view.action_convert_to_order()
        self.assertEqual(self._orders_of(case), order)
        self.assertEqual(case.sale_order_count, 1)

    def test_quotation_confirmed_by_hand_is_the_case_order(self):
        case = self._create_won_case()
        quotation = self._create_quotation(case)
        quotation.action_confirm()
        self.assertEqual(case.sale_order_id, quotation)
        with self.assertRaisesRegex(UserError, "already been converted"):
            case.action_convert_to_order()
        self.assertEqual(self._orders_of(case), quotation)

    def test_not_won_case_refused_nothing_created(self):
        open_case = self._create_case(name="Åben sag")
        lost_case = self._create_case(name="Tabt sag")
        lost_case.action_set_lost()
        orders_before = self.env["sale.order"].search_count([])
        for case in open_case | lost_case:
            messages_before = case.message_ids
            with self.assertRaisesRegex(
                UserError, "is not won: only won cases can be converted"
            ):
                case.action_convert_to_order()
            self.assertFalse(case.sale_order_id)
            self.assertEqual(case.message_ids, messages_before)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)

    def test_missing_default_product_refused_nothing_created(self):
        self.company.tracelink_order_product_id = False
        case = self._create_won_case()
        orders_before = self.env["sale.order"].search_count([])
        with self.assertRaisesRegex(UserError, "No default product"):
            case.action_convert_to_order()
        self.assertFalse(case.sale_order_id)
        self.assertEqual(self.env["sale.order"].search_count([]), orders_before)

    def test_salesman_converts_own_case_only(self):
        own = self._create_won_case()
        others = self._create_won_case(
            name="Kollegas sag", user_id=self.user_manager.id
        )
        own.with_user(self.user_salesman).action_convert_to_order()
        self.assertEqual(own.sale_order_id.user_id, self.user_salesman)
        with self.assertRaises(AccessError):
            others.with_user(self.user_salesman).action_convert_to_order()
        self.assertFalse(others.sale_order_id)

    def test_orders_tab_shows_the_order_and_its_closed_state(self):
        case = self._create_won_case()
        case.action_convert_to_order()
        order = case.sale_order_id
        case.invalidate_recordset(["customer_order_ids", "customer_order_count"])
        self.assertIn(order, case.customer_order_ids)
        self.assertEqual(case.customer_order_count, 1)
        self.assertFalse(order.is_closed)
        order.action_lock()
        self.assertTrue(case.customer_order_ids.filtered("is_closed") == order)

    def test_confirmation_mail_is_odoos_with_the_order_confirmation(self):
        case = self._create_won_case()
        case.action_convert_to_order()
        order = case.sale_order_id
        ours = self.env.ref("tracelink_crm.mail_template_sale_order_confirmation")
        self.assertEqual(order._get_confirmation_template(), ours)
        # Odoo's own Send by Email of the confirmed order offers it too
        action = order.with_user(self.user_salesman).action_quotation_send()
        self.assertEqual(action["context"]["default_template_id"], ours.id)
        # a template chosen in the Sales settings wins
        chosen = ours.copy({"name": "Egen ordrebekræftelse"})
        self.env["ir.config_parameter"].sudo().set_param(
            "sale.default_confirmation_template", chosen.id
        )
        self.assertEqual(order._get_confirmation_template(), chosen)

    def test_settings_are_per_company(self):
        default_product = self.env.ref("tracelink_crm.product_product_order_default")
        with Form(self.env["res.config.settings"]) as settings:
            settings.tracelink_order_auto_send = True
            settings.tracelink_order_product_id = default_product
        settings.record.execute()
        self.assertTrue(self.company.tracelink_order_auto_send)
        self.assertEqual(self.company.tracelink_order_product_id, default_product)
        other = self.env["res.company"].create({"name": "Tracelink Norge"})
        self.assertEqual(other.tracelink_order_product_id, default_product)
        self.assertTrue(other.tracelink_order_auto_send)
        self.company.tracelink_order_auto_send = False
        self.assertTrue(other.tracelink_order_auto_send)

    def test_installation_gives_companies_the_default_product(self):
        self.company.tracelink_order_product_id = False
        self.env["res.company"]._set_default_order_product()
        self.assertEqual(
            self.company.tracelink_order_product_id,
            self.env.ref("tracelink_crm.product_product_order_default"),
        )
