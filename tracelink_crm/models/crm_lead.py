from datetime import datetime, time

import psycopg2.errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, clean_context, float_compare, html2plaintext
from odoo.tools.sql import create_index

CLOSED_KINDS = ("won", "lost")
# Values a Won/Lost status decides: writes touching them are split by status.
STATUS_SENSITIVE_FIELDS = {
    "probability",
    "automated_probability",
    "is_probability_manual",
    "lost_reason_id",
    "active",
    "date_closed",
}

# Partial indexes over the active opportunities, dropped with the addon
# (uninstall_hook):
# - the pipeline's totals (list and kanban grouped by status) count and sum
#   active opportunities under the company and own-cases rules: answered from
#   the pipeline index without reading the table (Lost cases stay active, so
#   there are more rows to sum than in Odoo's own pipeline);
# - the case list's first page in its default order (Odoo's _order) is read
#   from the list index instead of sorting every visible case.
INDEXES = {
    "crm_lead_tracelink_pipeline_index": [
        "stage_id",
        "company_id",
        "user_id",
        "expected_revenue",
        "prorated_revenue",
    ],
    "crm_lead_tracelink_list_index": ["priority DESC", "id DESC"],
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Status
    stage_kind = fields.Selection(
        related="stage_id.status_kind",
        string="Status Type",
        store=True,
        index=True,
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
        help="Probability the case had when it was won or lost; it comes back "
        "when the case is reopened.",
    )
    stage_before_close_id = fields.Many2one(
        "crm.stage",
        string="Status Before Closing",
        copy=False,
        readonly=True,
        help="Open status the case had when it was won or lost.",
    )
    is_probability_manual = fields.Boolean(
        string="Probability Set by Hand",
        copy=False,
        help="The probability was typed by a user: predictive scoring leaves it alone.",
    )

    # Follow-up
    follow_up_date = fields.Date(
        string="Follow-up",
        tracking=True,
        index="btree_not_null",
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
        help="Planned start of production; it becomes the production start of "
        "the order.",
    )
    delivery_date = fields.Date(
        tracking=True,
        help="Delivery date promised to the customer; it becomes the delivery "
        "date of the order.",
    )

    # Odoo's own fields: tracked for traceability, or relabelled
    probability = fields.Float(tracking=True)
    date_deadline = fields.Date(tracking=True)
    prorated_revenue = fields.Monetary(string="Weighted Value")

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

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
            lead.is_overdue = (
                lead.active
                and lead.stage_kind not in CLOSED_KINDS
                and any(
                    day and day < today
                    for day in (lead.follow_up_date, lead.date_deadline)
                )
            )

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
        # however many they have.
        Lead = self.env["crm.lead"].with_context(active_test=False)
        Order = self.env["sale.order"]
        entities = self.partner_id.commercial_partner_id
        domain = [("partner_id.commercial_partner_id", "in", entities.ids)]
        cases, orders = (
            records.grouped(lambda record: record.partner_id.commercial_partner_id.id)
            for records in (
                Lead.search_fetch(
                    [*domain, ("type", "=", "opportunity")],
                    ["partner_id"],
                    order="create_date desc, id desc",
                ),
                Order.search_fetch(
                    domain, ["partner_id"], order="date_order desc, id desc"
                ),
            )
        )
        for lead in self:
            entity_id = lead.partner_id.commercial_partner_id.id
            same = cases.get(entity_id, Lead) - lead._origin
            mine = orders.get(entity_id, Order)
            lead.same_customer_lead_ids = same
            lead.same_customer_lead_count = len(same)
            lead.customer_order_ids = mine
            lead.customer_order_count = len(mine)

    def _compute_probabilities(self):
        # Predictive scoring never overwrites a probability typed by a user,
        # nor the 100 % / 0 % of a Won or Lost case.
        kept = {
            lead: lead.probability
            for lead in self
            if lead.is_probability_manual or lead.stage_id.status_kind in CLOSED_KINDS
        }
        res = super()._compute_probabilities()
        for lead, probability in kept.items():
            lead.probability = probability
        return res

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        # Cases without a follow-up or expected closing date come last,
        # whichever way the list is sorted.
        if field_name in ("follow_up_date", "date_deadline") and not nulls.code:
            nulls = SQL("NULLS LAST")
        return super()._order_field_to_sql(alias, field_name, direction, nulls, query)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def init(self):
        for name, expressions in INDEXES.items():
            create_index(
                self.env.cr,
                name,
                self._table,
                expressions,
                where="active AND type = 'opportunity'",
            )
        return super().init()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("stage_id"):
                stage = self.env["crm.stage"].browse(vals["stage_id"])
                vals.update(self._prepare_status_vals(stage, vals))
            if "probability" in vals and "is_probability_manual" not in vals:
                vals["is_probability_manual"] = True
        leads = super().create(vals_list)
        # A given probability equal to the automated one is not a typed one.
        automated = leads.filtered(
            lambda lead: (
                lead.is_probability_manual
                and not float_compare(lead.probability, lead.automated_probability, 2)
            )
        )
        if automated:
            super(CrmLead, automated).write({"is_probability_manual": False})
        return leads

    def write(self, vals):
        if "stage_id" in vals:
            stage = self.env["crm.stage"].browse(vals["stage_id"])
            moving = self.filtered(lambda lead: lead.stage_id != stage)
            if moving:
                res = moving._write_stage(vals, stage)
                # the others are written as usual, so that Odoo's computes
                # that depend on the stage run as they always do
                staying = self - moving
                return (staying.write(vals) if staying else True) and res
        if not STATUS_SENSITIVE_FIELDS & set(vals):
            return super().write(vals)
        closed = self.filtered(lambda lead: lead.stage_kind in CLOSED_KINDS)
        opened = self - closed
        res = True
        if opened and "probability" in vals and "is_probability_manual" not in vals:
            # A probability that differs from the automated one was typed.
            typed = opened.filtered(
                lambda lead: float_compare(
                    vals["probability"],
                    vals.get("automated_probability", lead.automated_probability),
                    2,
                )
            )
            if typed:
                res = super(CrmLead, typed).write(
                    {**vals, "is_probability_manual": True}
                )
            opened -= typed
            vals = {**vals, "is_probability_manual": False}
        if opened:
            res = super(CrmLead, opened).write(vals) and res
        if closed:
            res = closed._write_closed(vals) and res
        return res

    def _write_closed(self, vals):
        """Write on Won/Lost cases, keeping the probability, the lost reason
        and the close date the status forces."""
        forced = {"probability", "automated_probability", "is_probability_manual"}
        vals = {key: value for key, value in vals.items() if key not in forced}
        if "lost_reason_id" in vals and not vals["lost_reason_id"]:
            del vals["lost_reason_id"]
        if not vals:
            return True
        closing_dates = {lead: lead.date_closed for lead in self}
        res = super().write(vals)
        if "active" in vals or "date_closed" not in vals:
            for lead, date_closed in closing_dates.items():
                if lead.date_closed != date_closed:
                    super(CrmLead, lead).write({"date_closed": date_closed})
        return res

    def _write_stage(self, vals, stage):
        # A case converted to an order stays Won while the order stands:
        # reopening or losing it would count the sale twice in the pipeline.
        for lead in self.filtered(lambda lead: lead.stage_kind == "won"):
            order = lead.sudo().sale_order_id
            if order and order.state != "cancel":
                raise UserError(
                    self.env._(
                        "%(case)s was converted to order %(order)s and stays Won "
                        "while the order stands. Cancel %(order)s first to move "
                        "the case to another status.",
                        case=lead.name,
                        order=order.name,
                    )
                )
        res = True
        # Leads needing the same status values are written together.
        batches = self.grouped(
            lambda lead: tuple(sorted(lead._prepare_status_vals(stage, vals).items()))
        )
        for key, leads in batches.items():
            res = super(CrmLead, leads).write({**vals, **dict(key)}) and res
        if stage.status_kind not in CLOSED_KINDS:
            # Odoo stamps a close date on any 100 % probability; an open
            # status has none.
            stamped = self.filtered("date_closed")
            if stamped:
                super(CrmLead, stamped).write({"date_closed": False})
        return res

    def _prepare_status_vals(self, stage, vals):
        """Values that follow from entering ``stage``: the one place where the
        status decides probability, close date and lost reason."""
        kind = stage.status_kind
        if kind in CLOSED_KINDS:
            res = {
                "probability": 100 if kind == "won" else 0,
                "automated_probability": 100 if kind == "won" else 0,
                "date_closed": fields.Datetime.now(),
            }
            if kind == "won":
                res["lost_reason_id"] = False
            if self.stage_kind not in CLOSED_KINDS:
                res["probability_before_close"] = vals.get(
                    "probability", self.probability
                )
                res["stage_before_close_id"] = self.stage_id.id
            return res
        res = {"date_closed": False}
        if self.stage_kind in CLOSED_KINDS:
            res["lost_reason_id"] = False
        if stage.default_probability:
            res.update(
                probability=stage.default_probability, is_probability_manual=False
            )
        elif self.stage_kind in CLOSED_KINDS and self.active:
            # (an archived case stays put away: Odoo counts it as lost)
            res["probability"] = self.probability_before_close
        elif "probability" in vals:
            automated = self.automated_probability if self else None
            res["is_probability_manual"] = vals["probability"] != automated
        return res

    def _handle_won_lost(self, vals):
        """Predictive scoring counts a case entering or leaving the Lost status
        as lost, like Odoo counts an archived lead."""
        res = super()._handle_won_lost(vals)
        if "stage_id" in vals:
            kind = self.env["crm.stage"].browse(vals["stage_id"]).status_kind
            active = self.filtered("active")
            was_lost = active.filtered(lambda lead: lead.stage_kind == "lost")
            if kind == "lost":
                (active - was_lost)._pls_increment_frequencies(to_state="lost")
            elif kind == "open":
                was_lost._pls_increment_frequencies(from_state="lost")
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        # People (the admin user included) and other systems are refused;
        # server code running as superuser (data clean-ups) may still purge.
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

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_set_lost(self, **additional_values):
        """Lost opportunities move to the fixed Lost status and stay visible;
        leads keep Odoo's behaviour (archived)."""
        cases = self.filtered(lambda lead: lead.type == "opportunity")
        others = self - cases
        res = True
        if others:
            res = super(CrmLead, others).action_set_lost(**additional_values)
        if cases:
            cases.filtered(lambda lead: not lead.active).action_unarchive()
            lost_stage = self.env["crm.stage"]._get_fixed_stage("lost")
            cases.write({"stage_id": lost_stage.id, **additional_values})
        return res

    def toggle_active(self):
        """Odoo restores a lost lead by toggling it back to active; a case in
        the Lost status is active already, so restoring it reopens it at the
        status it was lost from."""
        lost = self.filtered(lambda lead: lead.active and lead.stage_kind == "lost")
        others = self - lost
        # Toggling a won lead off keeps Odoo's meaning (lost, at 0 %); the
        # Archive action (action_archive) keeps a Won case won.
        won_off = others.filtered(lambda lead: lead.active and lead.stage_kind == "won")
        res = super(CrmLead, others).toggle_active() if others else True
        if won_off:
            super(CrmLead, won_off).write(
                {"probability": 0, "automated_probability": 0}
            )
        for case in lost:
            stage = case.stage_before_close_id or case._stage_find(
                domain=[("status_kind", "=", "open")]
            )
            case.write({"stage_id": stage.id})
        return res

    def action_archive(self):
        # Archiving a Won or Lost case puts it away as it is; Odoo's archiving
        # (toggle_active) would mean losing it.
        closed = self.filtered(
            lambda lead: lead.active and lead.stage_kind in CLOSED_KINDS
        )
        if closed:
            closed.write({"active": False})
        others = self - closed
        return super(CrmLead, others).action_archive() if others else True

    def action_open_overdue(self):
        self.ensure_one()
        return self.get_formview_action()

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
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Convert to Order"),
                "res_model": "tracelink.crm.convert.order.wizard",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_lead_id": case.id},
            }
        if not confirm_status and case.cvr_customer_status not in (False, "active"):
            return case._action_confirm_cvr_status(order)
        if order:
            order.write(case._prepare_order_vals(order))
        else:
            order = case.env["sale.order"].create(case._prepare_order_vals())
            # logged, not posted: a user without an e-mail address converts too
            order._message_log_with_view(
                "mail.message_origin_link",
                render_values={"self": order, "origin": case},
            )
        order.action_confirm()  # which makes it the case's order (_action_confirm)
        case._message_log(
            body=self.env._("Converted to the order %s.", order._get_html_link())
        )
        if (case.company_id or self.env.company).tracelink_order_auto_send:
            order._send_order_confirmation_report()
        return {
            "type": "ir.actions.act_window",
            "name": order.display_name,
            "res_model": "sale.order",
            "res_id": order.id,
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

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
        """The one place where an order is made from a case: sale_crm's
        values of a new quotation plus what only the case knows; for a
        ``quotation`` of the case, what the case knows and it lacks."""
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
        domain = dialog._closed_domain()
        if partner_id:
            partner = self.env["res.partner"].browse(partner_id)
            domain.append(("partner_id", "=", partner.commercial_partner_id.id))
        return {
            "date_from": fields.Date.to_string(start),
            "date_to": fields.Date.to_string(end),
            **Dialog._read_figures(domain),
            "currency": self.env.company.currency_id.name,
        }

    def _filter_with_history(self):
        """Cases that are Won or Lost, were ever closed, or have an order:
        they are never deleted, by hand or by a merge."""
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

    def _get_lead_duplicates(self, partner=None, email=None, include_lost=False):
        duplicates = super()._get_lead_duplicates(
            partner=partner, email=email, include_lost=include_lost
        )
        if include_lost:
            return duplicates
        return duplicates.filtered(lambda lead: lead.stage_kind != "lost")

    # ------------------------------------------------------------
    # CVR watch: a customer no longer active in the register
    # ------------------------------------------------------------

    cvr_customer_status = fields.Selection(
        related="partner_id.commercial_partner_id.cvr_status",
        string="Customer's CVR Status",
    )

    def _action_confirm_cvr_status(self, quotation):
        """The dialog asking to convert anyway, naming the customer's status."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Convert to Order"),
            "res_model": "tracelink.crm.convert.status.wizard",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_sale_order_id": quotation.id,
            },
        }

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _mail_track(self, tracked_fields, initial_values):
        # Probability is tracked for cases; plain leads keep Odoo's tracking.
        if self.type != "opportunity":
            tracked_fields = {
                fname: desc
                for fname, desc in tracked_fields.items()
                if fname != "probability"
            }
        return super()._mail_track(tracked_fields, initial_values)

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.stage_kind == "lost":
            return self.env.ref("crm.mt_lead_lost")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------
    # Predictive lead scoring (the Lost status counts as lost)
    # ------------------------------------------------------------

    def _pls_get_lead_pls_values(self, domain=None):
        # The full rebuild reads closed leads as "100 %, or 0 % and archived":
        # cases in the Lost status are closed too, and scoring learns from
        # the status they were lost at, as for an archived lead.
        domain = domain or []
        if ("active", "=", False) in domain:
            start = self._pls_get_safe_start_date()
            domain = expression.OR(
                [
                    domain,
                    [("create_date", ">=", start), ("stage_kind", "=", "lost")],
                ]
            )
        values_by_lead = super()._pls_get_lead_pls_values(domain=domain)
        lost = ("stage_id", self.env["crm.stage"]._get_fixed_stage("lost").id)
        in_lost = [
            lead_id
            for lead_id, values in values_by_lead.items()
            if lost in values["values"]
        ]
        for lead in self.browse(in_lost):
            values = values_by_lead[lead.id]["values"]
            values.remove(lost)
            if lead.stage_before_close_id:
                values.append(("stage_id", lead.stage_before_close_id.id))
        return values_by_lead

    def _pls_prepare_frequencies(
        self, lead_values, leads_pls_fields, target_state=None
    ):
        # The Lost status is no step of the pipeline: scoring keeps no
        # figures for it (a won lead counts as won at every stage otherwise).
        frequencies = super()._pls_prepare_frequencies(
            lead_values, leads_pls_fields, target_state=target_state
        )
        lost_id = self.env["crm.stage"]._get_fixed_stage("lost").id
        frequencies.get("stage_id", {}).pop(str(lost_id), None)
        return frequencies

    def _update_automated_probabilities(self):
        # Odoo's scoring cron writes the automated probability of open cases
        # in SQL, and their probability where both are equal: typed and
        # Won/Lost cases are left out of its search (see _search), so nothing
        # of theirs changes between its batch commits.
        return super(
            CrmLead, self.with_context(tracelink_pls_update=True)
        )._update_automated_probabilities()

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.context.get("tracelink_pls_update"):
            return super()._search(domain, offset=offset, limit=limit, order=order)
        query = super()._search(
            expression.AND([domain, [("is_closed", "=", False)]]),
            offset=offset,
            limit=limit,
            order=order,
        )
        manual, probability, automated = (
            self._field_to_sql(query.table, fname, query)
            for fname in (
                "is_probability_manual",
                "probability",
                "automated_probability",
            )
        )
        query.add_where(
            SQL(
                "NOT (COALESCE(%s, FALSE) AND (%s = %s OR %s IS NULL))",
                manual,
                probability,
                automated,
                probability,
            )
        )
        return query
