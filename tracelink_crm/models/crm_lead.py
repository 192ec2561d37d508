from datetime import datetime, time

import psycopg2.errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, clean_context, html2plaintext
from odoo.tools.sql import create_index

CLOSED_KINDS = ("won", "lost")
# What Won (100 %) and Lost (0 %) force: kept unless the status changes.
FORCED_FIELDS = {"probability", "automated_probability"}

# Partial indexes, (columns, rows) by name. The cases the case list shows
# (active and lost ones) in Odoo's _order: the list's first page is read from
# it, without a sort of every case. The closed cases by closing time: the
# Won/Lost figures of an interval read only those closed in it. Odoo's daily
# scoring rewrites every open case and its entry in each index holding it:
# of these two, the list's only (an open case has no closing time). The
# totals per status are read from the table, as Odoo reads its own.
INDEXES = {
    "crm_lead_tracelink_list_index": (
        ["priority DESC", "id DESC"],
        "type = 'opportunity' AND (active OR stage_kind = 'lost')",
    ),
    "crm_lead_tracelink_closed_index": (["date_closed"], "date_closed IS NOT NULL"),
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Status: the case's stage, or the fixed Lost status for a lost case (one
    # that Odoo's Lost button archived at 0 %; it keeps the stage it was lost
    # in). The case screens and statistics group by it.
    status_id = fields.Many2one(
        "crm.stage",
        compute="_compute_status_id",
        inverse="_inverse_status_id",
        store=True,
        group_expand="_read_group_status_ids",
        help="The status of the case; a lost case shows Lost and keeps the "
        "status it was lost in.",
    )
    # (not indexed, as the follow-up date: see INDEXES)
    stage_kind = fields.Selection(
        related="status_id.status_kind",
        string="Status Type",
        store=True,
    )
    is_closed = fields.Boolean(
        string="Closed",
        compute="_compute_is_closed",
        search="_search_is_closed",
        help="The case is Won or Lost.",
    )
    probability_before_close = fields.Float(
        copy=False,
        readonly=True,
        help="Probability before the case was won or lost, given back on reopening.",
    )
    converted_order_id = fields.Many2one(
        "sale.order",
        string="Converted to",
        compute="_compute_converted_order_id",
        help="The order this case was converted to, while it stands: the case "
        "stays Won until the order is cancelled.",
    )

    # Follow-up
    follow_up_date = fields.Date(
        string="Follow-up",
        tracking=True,
        help="Date on which the case should be followed up.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="An open case whose follow-up or expected closing date has passed.",
    )

    # Same Customer and Orders tabs
    same_customer_lead_ids = fields.Many2many(
        "crm.lead",
        string="Same Customer Cases",
        compute="_compute_customer_records",
        context={"active_test": False},
    )
    same_customer_lead_count = fields.Integer(
        string="Same Customer",
        compute="_compute_customer_records",
    )
    customer_order_ids = fields.Many2many(
        "sale.order",
        string="Customer Orders",
        compute="_compute_customer_records",
    )
    customer_order_count = fields.Integer(
        string="Orders Count",
        compute="_compute_customer_records",
    )

    # Order conversion: of sale_crm's order_ids, the one the case was converted
    # to; it stays when that order is cancelled or others are confirmed.
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Order",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
        help="The order this case was converted to. A case is converted once.",
    )
    customer_reference = fields.Char(
        tracking=True,
        help="The customer's own reference, e.g. their purchase order number. "
        "It becomes the customer reference of the order.",
    )
    production_start_date = fields.Date(
        string="Production Start",
        tracking=True,
        help="Planned start of production, copied to the order.",
    )
    delivery_date = fields.Date(
        tracking=True,
        help="Delivery date promised to the customer, copied to the order.",
    )

    # CVR watch: a customer no longer active in the register
    cvr_customer_status = fields.Selection(
        related="partner_id.commercial_partner_id.cvr_status",
        string="Customer's CVR Status",
    )

    # Odoo's own fields: tracked for traceability, or relabelled
    probability = fields.Float(tracking=True)
    date_deadline = fields.Date(tracking=True)
    prorated_revenue = fields.Monetary(string="Weighted Value")

    @api.depends("stage_id", "active", "probability", "type")
    def _compute_status_id(self):
        lost = self.env.ref("tracelink_crm.crm_stage_lost", raise_if_not_found=False)
        for lead in self:
            is_lost = not lead.active and not lead.probability
            lead.status_id = lost if is_lost and lost else lead.stage_id

    def _inverse_status_id(self):
        # A case dropped on the Lost status is lost; one taken from it is
        # restored to the status it is dropped on.
        for lead in self:
            if lead.status_id.status_kind == "lost":
                if lead.active:
                    lead.action_set_lost()
                continue
            if not lead.active:
                lead.action_unarchive()
            if lead.stage_id != lead.status_id:
                lead.stage_id = lead.status_id

    @api.model
    def _read_group_status_ids(self, stages, domain):
        stages = self._read_group_stage_ids(stages, domain)
        return stages | self.env.ref("tracelink_crm.crm_stage_lost")

    @api.depends("sale_order_id.state")
    def _compute_converted_order_id(self):
        for lead in self:
            order = lead.sudo().sale_order_id
            lead.converted_order_id = order.filtered(lambda o: o.state != "cancel")

    @api.depends("stage_kind")
    def _compute_is_closed(self):
        for lead in self:
            lead.is_closed = lead.stage_kind in CLOSED_KINDS

    def _search_is_closed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Closed."))
        closed = (operator == "=") == bool(value)
        # "not in" matches cases without a status too
        return [("stage_kind", "in" if closed else "not in", CLOSED_KINDS)]

    @api.depends("stage_kind", "follow_up_date", "date_deadline", "active")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for lead in self:
            dates = (lead.follow_up_date, lead.date_deadline)
            late = any(day and day < today for day in dates)
            lead.is_overdue = late and lead.active and not lead.is_closed

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Overdue."))
        today = fields.Date.context_today(self)
        overdue = [
            ("is_closed", "=", False),
            "|",
            ("follow_up_date", "<", today),
            ("date_deadline", "<", today),
        ]
        if (operator == "=") == bool(value):
            return overdue
        # not a negated domain: empty dates are never overdue
        return [("id", "not in", self.with_context(active_test=False)._search(overdue))]

    @api.depends("partner_id.commercial_partner_id")
    def _compute_customer_records(self):
        # One query each for the cases and the orders of all the customers,
        # however many they have, for their ids: the form reads the rows its
        # tabs show, a page of each. Split by customer only when there are
        # several. (The customers: the commercial partners of the cases'
        # partners, in a subquery.)
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Order = self.env["sale.order"]
        Partner = self.env["res.partner"].sudo()
        case_partners = Partner._search([("id", "in", self.partner_id.ids)])
        customers = SQL("(%s)", case_partners.subselect("commercial_partner_id"))
        domain = [("partner_id.commercial_partner_id", "in", customers)]
        customer = self.partner_id.commercial_partner_id
        split_by = ["partner_id"] if len(customer) > 1 else []
        cases = Lead.search_fetch(
            [*domain, ("type", "=", "opportunity")],
            split_by,
            order="create_date desc, id desc",
        )
        orders = Order.search_fetch(domain, split_by, order="date_order desc, id desc")
        # every status's name in one query (a few rows): the case's own and
        # those of the Same customer rows the form shows
        self.env["crm.stage"].search_fetch([], ["name"])
        if not split_by:  # a case's form: all of them are its customer's
            cases, orders = {customer.id: cases}, {customer.id: orders}
        else:
            partners = cases.partner_id | orders.partner_id | self.partner_id
            entity_of = {
                partner.id: partner.commercial_partner_id.id for partner in partners
            }
            cases, orders = (
                records.grouped(lambda record: entity_of[record.partner_id.id])
                for records in (cases, orders)
            )
        for lead in self:
            entity_id = lead.partner_id.commercial_partner_id.id
            same = cases.get(entity_id, Lead)
            own_id = lead._origin.id
            same = same.browse([id_ for id_ in same._ids if id_ != own_id])
            mine = orders.get(entity_id, Order)
            lead.same_customer_lead_ids = same
            lead.same_customer_lead_count = len(same)
            lead.customer_order_ids = mine
            lead.customer_order_count = len(mine)

    @api.constrains("probability", "expected_revenue")
    def _check_case_figures(self):
        # before Odoo's SQL check of the probability, with the case named
        for lead in self:
            if not 0 <= lead.probability <= 100:
                raise ValidationError(
                    self.env._(
                        "The probability of %(case)s must be between 0 and 100 %%,"
                        " not %(probability)s %%.",
                        case=lead.name,
                        probability=lead.probability,
                    )
                )
            if lead.expected_revenue < 0:
                raise ValidationError(
                    self.env._(
                        "The value of %(case)s cannot be negative (%(value)s).",
                        case=lead.name,
                        value=lead.expected_revenue,
                    )
                )

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        # Cases without a follow-up or expected closing date come last either
        # way. A core private method (README): no field attribute or public
        # hook orders NULLs per field, and the web client sends no NULLS
        # clause. test_crm_lead_case_screens fails when Odoo stops using it.
        if field_name in ("follow_up_date", "date_deadline") and not nulls.code:
            nulls = SQL("NULLS LAST")
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    def init(self):
        for name, (expressions, where) in INDEXES.items():
            create_index(self.env.cr, name, self._table, expressions, where=where)
        return super().init()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            stage = self.env["crm.stage"].browse(vals.get("stage_id"))
            if stage.is_lost:
                # Lost is no step of the pipeline: a case made lost is an
                # archived case at 0 % in the first status
                del vals["stage_id"]
                vals.update(active=False, probability=0, automated_probability=0)
                # closed now, as Odoo's archiving closes a lead
                vals.setdefault("date_closed", fields.Datetime.now())
            elif stage.default_probability and "probability" not in vals:
                vals["probability"] = stage.default_probability
        return super().create(vals_list)

    def write(self, vals):
        if self.env["crm.stage"].browse(vals.get("stage_id")).is_lost:
            # The fixed Lost status is shown, never kept: moving a case there
            # loses it, in the status it had (as Odoo's Lost button does).
            vals = dict(vals)
            del vals["stage_id"]
            res = self.write(vals) if vals else True
            cases = self.filtered("active")
            return cases.action_set_lost() and res if cases else res
        if "active" in vals or "stage_id" in vals:
            return self._write_status(vals)
        if FORCED_FIELDS & set(vals):
            # Won forces 100 % and Lost 0 %: a probability written on them
            # without a change of status is left out (an archived Won case
            # toggled off by Odoo is lost at 0 %, as Odoo means it)
            closed = self.filtered(
                lambda lead: (
                    lead.stage_kind == "lost"
                    or lead.active
                    and lead.stage_kind == "won"
                )
            )
            if closed:
                kept = {k: v for k, v in vals.items() if k not in FORCED_FIELDS}
                res = super(CrmLead, closed).write(kept) if kept else True
                others = self - closed
                return (super(CrmLead, others).write(vals) if others else True) and res
        return super().write(vals)

    def _write_status(self, vals):
        stage = self.env["crm.stage"].browse(vals.get("stage_id"))
        # A case converted to an order stays Won while the order stands:
        # reopening or losing it would count the sale twice in the pipeline.
        for lead in self.filtered(lambda lead: stage and lead.stage_id != stage):
            if lead.converted_order_id:
                raise UserError(lead._converted_message())
        res = True
        # archiving keeps the date a case was won or lost on (Odoo stamps now)
        closing = {}
        if "active" in vals and not vals["active"]:
            closing = {lead: lead.date_closed for lead in self if lead.date_closed}
        batches = self.grouped(
            lambda lead: tuple(sorted(lead._prepare_status_vals(stage, vals).items()))
        )
        for key, leads in batches.items():
            res = super(CrmLead, leads).write({**vals, **dict(key)}) and res
        if stage and not stage.is_won:
            # Odoo stamps a close date on any 100 % probability; an open
            # status of an active case has none.
            stamped = self.filtered(lambda lead: lead.active and lead.date_closed)
            if stamped:
                super(CrmLead, stamped).write({"date_closed": False})
        for lead, date_closed in closing.items():
            if lead.date_closed != date_closed:
                super(CrmLead, lead).write({"date_closed": date_closed})
        return res

    def _converted_message(self):
        return self.env._(
            "%(case)s was converted to order %(order)s and stays Won "
            "while the order stands. Cancel %(order)s first to move "
            "the case to another status.",
            case=self.name,
            order=self.converted_order_id.name,
        )

    def _prepare_status_vals(self, stage, vals):
        """The one place where the status decides probability and close date:
        the earlier probability is kept on entering Won or losing a case, and
        given back on leaving Won or restoring it."""
        res = {}
        if "active" in vals and bool(vals["active"]) != self.active:
            if vals["active"] and self.probability == 0:
                # restoring a lost case: its earlier probability comes back
                res.update(probability=self.probability_before_close)
            elif not vals["active"] and not self.stage_id.is_won:
                res.update(probability_before_close=self.probability)
        if not stage or stage == self.stage_id:
            return res
        if stage.is_won:
            res["lost_reason_id"] = False
            if not self.stage_id.is_won:
                res["probability_before_close"] = vals.get(
                    "probability", self.probability
                )
            return res
        res["date_closed"] = False
        if "probability" in vals:
            return res
        if stage.default_probability:
            res["probability"] = stage.default_probability
        elif self.stage_id.is_won and self.active:
            # (an archived case stays put away)
            res["probability"] = self.probability_before_close
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        # server code running as superuser (data clean-ups) may still purge
        if self.env.su:
            return
        with_history = self._filter_with_history()
        if with_history:
            raise UserError(
                self.env._(
                    "The case %s has history (won, lost or linked to an order) "
                    "and cannot be deleted. Archive it instead: archived cases "
                    "can be found with the Archived filter and restored.",
                    ", ".join(with_history.mapped("display_name")),
                )
            )

    def action_set_lost(self, **additional_values):
        converted = self.filtered("converted_order_id")[:1]
        if converted:
            raise UserError(converted._converted_message())
        res = super().action_set_lost(**additional_values)
        # at 0 %, which Odoo's action_archive left (see below)
        lost = self.filtered(lambda lead: not lead.active)
        if lost:
            super(CrmLead, lost).write({"probability": 0, "automated_probability": 0})
        return res

    def action_archive(self):
        # Archiving puts a case away as it is (a Won case stays Won, an open
        # one keeps its probability); Odoo's archiving would mean losing it.
        cases = self.filtered(lambda lead: lead.active and lead.type == "opportunity")
        if cases:
            cases.write({"active": False})
        others = self - cases
        return super(CrmLead, others).action_archive() if others else True

    def action_open_same_customer_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_crm.crm_lead_action_case"
        )
        action.update(
            domain=[("id", "in", self.same_customer_lead_ids.ids)],
            context={"active_test": False},
            name=self.env._(
                "Cases of %s", self.partner_id.commercial_partner_id.display_name
            ),
        )
        return action

    def action_open_customer_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_orders")
        action.update(
            domain=[("id", "in", self.customer_order_ids.ids)],
            context={"create": False},
        )
        return action

    def action_convert_to_order(self, quotation_id=None, confirm_status=False):
        """Convert a won case, once, to a confirmed order: its quotation (the
        one named, its only one, or one chosen in a dialog), else a new order.
        The case row is locked first: two simultaneous calls make one order.
        A customer the CVR register does not show as active is confirmed in a
        dialog first (``confirm_status``: already confirmed)."""
        self.ensure_one()
        case = self.with_context(clean_context(self.env.context))
        case._lock_for_conversion()
        case._check_convertible()
        order = case._get_convertible_quotations()
        if quotation_id:
            order = order.filtered(lambda quotation: quotation.id == quotation_id)
            if not order:
                raise UserError(
                    self.env._(
                        "The order to confirm must be a quotation (draft or sent) "
                        "of the case %s. Choose one of its quotations.",
                        case.display_name,
                    )
                )
        elif len(order) > 1:
            return case._convert_dialog(
                "tracelink.crm.convert.order.wizard", self.env._("Convert to Order")
            )
        if not confirm_status and case.cvr_customer_status not in (False, "active"):
            # convert anyway? the dialog names the customer's status
            return case._convert_dialog(
                "tracelink.crm.convert.status.wizard",
                self.env._("Convert to Order"),
                default_sale_order_id=order.id,
            )
        order = case._confirm_order(order)
        return order._get_records_action(name=order.display_name, context={})

    def _convert_dialog(self, res_model, name, **context):
        self.ensure_one()
        return self.env[res_model]._get_records_action(
            name=name, target="new", context={"default_lead_id": self.id, **context}
        )

    def _confirm_order(self, quotation):
        self.ensure_one()
        order = quotation
        if order:
            order.write(self._prepare_order_vals(order))
        else:
            order = self.env["sale.order"].create(self._prepare_order_vals())
            # logged, not posted: a user without an e-mail address converts too
            order._message_log_with_view(
                "mail.message_origin_link",
                render_values={"self": order, "origin": self},
            )
        order.action_confirm()  # which makes it the case's order (_action_confirm)
        self._message_log(
            body=self.env._("Converted to the order %s.", order._get_html_link())
        )
        if (self.company_id or self.env.company).tracelink_order_auto_send:
            order._send_order_confirmation_report()
        return order

    def _lock_for_conversion(self):
        # the checks that follow must read the committed state
        self.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                # a lock held by another conversion is expected, and answered
                # below: not a "bad query" for the server log
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM crm_lead WHERE id = %s FOR UPDATE NOWAIT",
                        self.id,
                    ),
                    log_exceptions=False,
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "The case %s is being converted to an order right now. "
                    "Reload it in a moment to see its order.",
                    self.display_name,
                )
            ) from None
        self.invalidate_recordset()
        self.env["sale.order"].invalidate_model(["state", "opportunity_id"])

    def _check_convertible(self):
        self.ensure_one()
        if self.type != "opportunity" or self.stage_kind != "won":
            raise UserError(
                self.env._(
                    "The case %(case)s is not won: only won cases can be converted "
                    "to an order. Move it to the Won status first.",
                    case=self.display_name,
                )
            )
        confirmed = self.order_ids.filtered(lambda order: order.state == "sale")
        order = self.sale_order_id or confirmed[:1]
        if order:
            raise UserError(
                self.env._(
                    "The case %(case)s has already been converted to the order "
                    "%(order)s; it cannot be converted again. Open the order "
                    "from the case.",
                    case=self.display_name,
                    order=order.display_name,
                )
            )

    def _get_convertible_quotations(self):
        self.ensure_one()
        return self.order_ids.filtered(lambda order: order.state in ("draft", "sent"))

    def _prepare_order_vals(self, quotation=None):
        """sale_crm's values of a new quotation plus what only the case
        knows; for a ``quotation`` of the case, what it lacks of that."""
        self.ensure_one()
        quotation = quotation or self.env["sale.order"]
        vals = {
            "client_order_ref": self.customer_reference,
            "production_start_date": self.production_start_date,
            # noon UTC: the same calendar day in every European time zone
            "commitment_date": self.delivery_date
            and datetime.combine(self.delivery_date, time(12)),
            "origin": self.name,
        }
        vals = {
            key: value for key, value in vals.items() if value and not quotation[key]
        }
        if quotation:
            return vals
        if not self.partner_id:
            raise UserError(
                self.env._(
                    "The case %s has no customer. Set its customer, then convert "
                    "it again.",
                    self.display_name,
                )
            )
        context = self._prepare_opportunity_quotation_context()
        return {
            **{
                key.removeprefix("default_"): value
                for key, value in context.items()
                if key.startswith("default_")
            },
            **vals,
            "order_line": self._prepare_order_lines(),
        }

    def _prepare_order_lines(self):
        self.ensure_one()
        product = (self.company_id or self.env.company).tracelink_order_product_id
        if not product:
            raise UserError(
                self.env._(
                    "No default product is set for orders made from cases. Choose "
                    "one in Settings, CRM, Orders from Cases, then convert the "
                    "case again."
                )
            )
        description = html2plaintext(self.description or "").strip()
        return [
            Command.create(
                {
                    "product_id": product.id,
                    "name": f"{self.name}\n{description}" if description else self.name,
                    "product_uom_qty": 1,
                    "price_unit": self.expected_revenue,
                }
            )
        ]

    @api.model
    def tracelink_statistics(self, date_from, date_to, partner_id=None):
        """Public API (XML-RPC): the figures of the Won/Lost dialog for the
        cases closed from ``date_from`` to ``date_to`` (see README)."""
        self.env["tracelink.crm.case.report"].check_access("read")
        try:
            start = fields.Date.to_date(date_from)
            end = fields.Date.to_date(date_to)
        except (TypeError, ValueError):
            start = end = None
        if not (start and end):
            raise UserError(
                self.env._(
                    "Dates must be given as YYYY-MM-DD, e.g. 2026-01-31 "
                    "(received %(date_from)s and %(date_to)s).",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        Dialog = self.env["tracelink.crm.winloss.wizard"]
        dialog = Dialog.new({"period": "custom", "date_from": start, "date_to": end})
        dialog._check_dates()
        domain = dialog._closed_domain("date_closed")
        if partner_id:
            partner = self.env["res.partner"].browse(partner_id).commercial_partner_id
            domain.append(("partner_id.commercial_partner_id", "=", partner.id))
        return {
            "date_from": fields.Date.to_string(start),
            "date_to": fields.Date.to_string(end),
            **Dialog._read_figures(domain),
            "currency": self.env.company.currency_id.name,
        }

    def _filter_with_history(self):
        """Cases never deleted, by hand or by a merge."""
        return self.with_context(active_test=False).filtered(
            lambda lead: (
                lead.stage_kind in CLOSED_KINDS
                or lead.date_closed
                or lead.sale_order_id
                or lead.order_ids
            )
        )

    def _merge_opportunity(
        self, user_id=False, team_id=False, auto_unlink=True, max_length=5
    ):
        # Odoo deletes the merged cases as superuser, past the deletion guard:
        # a merge that would delete a case with history is refused up front.
        # A core private method (README): no public hook runs before Odoo's
        # superuser unlink. test_crm_lead_merge fails when the merge stops
        # going through it.
        if auto_unlink:
            head = self._sort_by_confidence_level(reverse=True)[:1]
            doomed = (self - head)._filter_with_history()
            if doomed:
                raise UserError(
                    self.env._(
                        "Merging would delete %(cases)s, which has history (won, "
                        "lost or linked to an order), into %(head)s. Merge only "
                        "cases without history, or archive the cases you no "
                        "longer need.",
                        cases=", ".join(doomed.mapped("display_name")),
                        head=head.display_name,
                    )
                )
        return super()._merge_opportunity(user_id, team_id, auto_unlink, max_length)

    def _mail_track(self, tracked_fields, initial_values):
        # Probability is tracked for cases, not for plain leads. A core
        # private method (README): a field's tracking is the same for every
        # record, and no public hook decides it per record.
        # test_crm_lead_traceability fails when Odoo tracks otherwise.
        if self.type != "opportunity":
            tracked_fields = {
                fname: desc
                for fname, desc in tracked_fields.items()
                if fname != "probability"
            }
        return super()._mail_track(tracked_fields, initial_values)
