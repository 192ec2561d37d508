import math
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import format_date


class CrmLead(models.Model):
    _inherit = "crm.lead"

    line_ids = fields.One2many(
        "crm.lead.line",
        "lead_id",
        string="Products",
        copy=True,
        help="What the customer wants made or delivered; with lines, the case's "
        "expected revenue is their total and its order has exactly these lines.",
    )
    expected_revenue = fields.Monetary(
        compute="_compute_expected_revenue",
        store=True,
        readonly=False,
    )
    production_end_date = fields.Date(
        string="Production End",
        compute="_compute_production_end_date",
        help="Production start plus the longest manufacturing lead time and days "
        "to prepare the manufacturing order of the products' bills of materials, "
        "plus the company's manufacturing security lead time.",
    )
    delivery_delay_days = fields.Integer(
        string="Days Late",
        compute="_compute_production_end_date",
        help="Days by which production ends after the promised delivery date.",
    )
    delivery_warning = fields.Char(
        compute="_compute_production_end_date",
        help="Shown on the delivery date when production ends after it.",
    )
    production_ids = fields.Many2many(
        "mrp.production",
        string="Manufacturing Orders",
        compute="_compute_production_ids",
    )
    production_count = fields.Integer(
        string="Production",
        compute="_compute_production_ids",
    )

    @api.depends("line_ids.price_subtotal")
    def _compute_expected_revenue(self):
        # Cases without lines keep the value typed on them.
        for lead in self.filtered("line_ids"):
            lead.expected_revenue = sum(lead.line_ids.mapped("price_subtotal"))

    @api.depends(
        "line_ids.product_id", "production_start_date", "delivery_date", "company_id"
    )
    @api.depends_context("lang")
    def _compute_production_end_date(self):
        for lead in self:
            lead.production_end_date = False
            lead.delivery_delay_days = 0
            lead.delivery_warning = False
            if not lead.production_start_date:
                continue
            company = lead.company_id or self.env.company
            days = lead.line_ids.product_id._get_production_days(company)
            if days is None:
                continue
            end = lead.production_start_date + timedelta(days=math.ceil(days))
            lead.production_end_date = end
            if lead.delivery_date and end > lead.delivery_date:
                late = (end - lead.delivery_date).days
                lead.delivery_delay_days = late
                end_text = format_date(self.env, end)
                if late == 1:
                    lead.delivery_warning = self.env._(
                        "Production ends 1 day after the promised delivery (%s).",
                        end_text,
                    )
                else:
                    lead.delivery_warning = self.env._(
                        "Production ends %(days)s days after the promised "
                        "delivery (%(end)s).",
                        days=late,
                        end=end_text,
                    )

    @api.depends("order_ids.state")
    def _compute_production_ids(self):
        for lead in self:
            orders = lead.sudo().order_ids.filtered(lambda o: o.state == "sale")
            productions = orders.mrp_production_ids
            lead.production_ids = productions
            lead.production_count = len(productions)

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        # With lines, their total is the value of the case, whatever value
        # (or default) came with them.
        leads.filtered("line_ids")._compute_expected_revenue()
        return leads

    def action_convert_to_order(self, quotation_id=None, confirm_status=False):
        """Name the products that cannot be made before anything is created;
        the user may convert anyway, those products delivered from stock."""
        self.ensure_one()
        if not self.env.context.get("tracelink_plain_order"):
            self._check_convertible()
            quotations = self._get_convertible_quotations()
            if quotation_id:
                quotations = quotations.filtered(lambda o: o.id == quotation_id)
            # With several quotations the user picks one first: checked then;
            # an unknown quotation is refused by the conversion itself.
            if len(quotations) <= 1 and not (quotation_id and not quotations):
                products = (quotations.order_line or self.line_ids).product_id
                company = self.company_id or self.env.company
                issues = products._get_production_issues(company)
                if issues:
                    return self._convert_dialog(
                        "tracelink.crm.plain.order.wizard",
                        self.env._("Products That Cannot Be Made"),
                        default_sale_order_id=quotations.id,
                        default_reasons="\n".join(
                            f"- {product.display_name}: {reason}"
                            for product, reason in issues.items()
                        ),
                        default_product_ids=[Command.set([p.id for p in issues])],
                    )
        return super().action_convert_to_order(
            quotation_id=quotation_id, confirm_status=confirm_status
        )

    def _convert_dialog(self, res_model, name, **context):
        # "Convert anyway" chosen for the products holds in the next dialog
        # (the customer's CVR status): it is not asked again there
        if self.env.context.get("tracelink_plain_order"):
            context["tracelink_plain_order"] = True
        return super()._convert_dialog(res_model, name, **context)

    def action_open_productions(self):
        self.ensure_one()
        return self.production_ids._get_records_action(
            name=self.env._("Production of %s", self.name), context={"create": False}
        )

    def _prepare_order_lines(self):
        """The case's product lines; the default order product only without."""
        if not self.line_ids:
            return super()._prepare_order_lines()
        return [
            Command.create(
                {
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.product_uom_qty,
                    "price_unit": line.price_unit,
                    "sequence": line.sequence,
                }
            )
            for line in self.line_ids
        ]
