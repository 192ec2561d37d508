from odoo import api, fields, models
from odoo.exceptions import UserError

CLOSED_KINDS = ("won", "lost")


class CrmLead(models.Model):
    _inherit = "crm.lead"

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
    probability_before_close = fields.Float(
        copy=False,
        readonly=True,
        help="Probability the case had when it was won or lost; it comes back "
        "when the case is reopened.",
    )
    is_probability_manual = fields.Boolean(
        string="Probability Set by Hand",
        copy=False,
        help="The probability was typed by a user: predictive scoring leaves it alone.",
    )
    same_customer_lead_ids = fields.Many2many(
        "crm.lead",
        string="Same Customer Cases",
        compute="_compute_same_customer_lead_ids",
        context={"active_test": False},
    )
    same_customer_lead_count = fields.Integer(
        string="Same Customer",
        compute="_compute_same_customer_lead_ids",
    )
    customer_order_ids = fields.Many2many(
        "sale.order",
        string="Customer Orders",
        compute="_compute_customer_order_ids",
    )
    customer_order_count = fields.Integer(
        string="Orders Count",
        compute="_compute_customer_order_ids",
    )
    # Odoo's own fields, tracked for traceability.
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
        if closed:
            return [("stage_kind", "in", CLOSED_KINDS)]
        return ["|", ("stage_kind", "=", False), ("stage_kind", "not in", CLOSED_KINDS)]

    @api.depends("stage_kind", "follow_up_date", "date_deadline", "type")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for lead in self:
            lead.is_overdue = lead._is_overdue_on(today)

    def _is_overdue_on(self, day):
        self.ensure_one()
        if self.stage_kind in CLOSED_KINDS or not self.active:
            return False
        return any(
            date and date < day for date in (self.follow_up_date, self.date_deadline)
        )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on Overdue."))
        today = fields.Date.context_today(self)
        open_case = [
            "|",
            ("stage_kind", "=", False),
            ("stage_kind", "not in", CLOSED_KINDS),
        ]
        if (operator == "=") == bool(value):
            return [
                *open_case,
                "|",
                ("follow_up_date", "<", today),
                ("date_deadline", "<", today),
            ]
        # Spelled out rather than negated: empty dates are never overdue.
        return [
            "|",
            ("stage_kind", "in", CLOSED_KINDS),
            "&",
            "|",
            ("follow_up_date", "=", False),
            ("follow_up_date", ">=", today),
            "|",
            ("date_deadline", "=", False),
            ("date_deadline", ">=", today),
        ]

    @api.depends("partner_id.commercial_partner_id")
    def _compute_same_customer_lead_ids(self):
        commercial = self.partner_id.commercial_partner_id
        others = self.env["crm.lead"]
        if commercial:
            others = self.with_context(active_test=False).search(
                [
                    ("partner_id", "child_of", commercial.ids),
                    ("type", "=", "opportunity"),
                ],
                order="create_date desc, id desc",
            )
        for lead in self:
            entity = lead.partner_id.commercial_partner_id
            same = (
                others.filtered(
                    lambda o, e=entity, lead=lead: (
                        o.partner_id.commercial_partner_id == e
                        and o.id != lead._origin.id
                    )
                )
                if entity
                else others.browse()
            )
            lead.same_customer_lead_ids = same
            lead.same_customer_lead_count = len(same)

    @api.depends("partner_id.commercial_partner_id")
    def _compute_customer_order_ids(self):
        commercial = self.partner_id.commercial_partner_id
        orders = self.env["sale.order"]
        if commercial:
            orders = orders.search(
                [("partner_id", "child_of", commercial.ids)],
                order="date_order desc, id desc",
            )
        for lead in self:
            entity = lead.partner_id.commercial_partner_id
            mine = (
                orders.filtered(
                    lambda o, e=entity: o.partner_id.commercial_partner_id == e
                )
                if entity
                else orders.browse()
            )
            lead.customer_order_ids = mine
            lead.customer_order_count = len(mine)

    def _compute_probabilities(self):
        # Predictive scoring never overwrites a probability typed by a user,
        # nor the 100 % / 0 % of a Won or Lost case.
        kept = {
            lead: lead.probability
            for lead in self
            if lead.is_probability_manual or lead.stage_kind in CLOSED_KINDS
        }
        res = super()._compute_probabilities()
        for lead, probability in kept.items():
            lead.probability = probability
        return res

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("stage_id"):
                stage = self.env["crm.stage"].browse(vals["stage_id"])
                vals.update(self._prepare_status_vals(stage, vals))
            elif "probability" in vals:
                vals["is_probability_manual"] = True
        return super().create(vals_list)

    def write(self, vals):
        if "stage_id" in vals:
            return self._write_stage(vals)
        closed = self.filtered(lambda lead: lead.stage_kind in CLOSED_KINDS)
        opened = self - closed
        res = True
        if opened:
            opened_vals = dict(vals)
            if "probability" in vals:
                opened_vals["is_probability_manual"] = True
            res = super(CrmLead, opened).write(opened_vals)
        if closed:
            res = closed._write_closed(vals) and res
        return res

    def _write_closed(self, vals):
        """Write on Won/Lost cases: what the status forces stays as it is.

        Probability stays 100 %/0 %, a Lost case keeps its lost reason when it
        is restored from the archive, and archiving keeps the close date (Odoo
        would stamp the archiving time on it).
        """
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

    def _write_stage(self, vals):
        stage = self.env["crm.stage"].browse(vals["stage_id"])
        moving = self.filtered(lambda lead: lead.stage_id != stage)
        staying = self - moving
        res = True
        if staying:
            res = staying.write({k: v for k, v in vals.items() if k != "stage_id"})
        # Leads needing the same status values are written together.
        batches = {}
        for lead in moving:
            key = tuple(sorted(lead._prepare_status_vals(stage, vals).items()))
            batches.setdefault(key, self.browse())
            batches[key] |= lead
        for key, leads in batches.items():
            res = super(CrmLead, leads).write({**vals, **dict(key)}) and res
        if stage.status_kind not in CLOSED_KINDS:
            # Odoo stamps a close date on any 100 % probability; an open
            # status has none.
            stamped = moving.filtered("date_closed")
            if stamped:
                super(CrmLead, stamped).write({"date_closed": False})
        return res

    def _prepare_status_vals(self, stage, vals):
        """Values that follow from entering ``stage``: the one place where the
        status decides probability, close date and lost reason.

        Won forces 100 %, Lost forces 0 %; both set the close date and keep the
        probability the case had, for when it is reopened. An open status
        clears the close date and the lost reason; its default probability
        applies when it has one, else a reopened case gets its earlier
        probability back, else a probability given with the move is kept (as
        typed by hand when it differs from the automated one).
        """
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
            return res
        res = {"date_closed": False}
        if self.stage_kind in CLOSED_KINDS:
            res["lost_reason_id"] = False
        if stage.default_probability:
            res.update(
                probability=stage.default_probability, is_probability_manual=False
            )
        elif self.stage_kind in CLOSED_KINDS:
            res["probability"] = self.probability_before_close
        elif "probability" in vals:
            automated = self.automated_probability if self else None
            res["is_probability_manual"] = vals["probability"] != automated
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        with_history = self.with_context(active_test=False).filtered(
            lambda lead: (
                lead.stage_kind in CLOSED_KINDS or lead.date_closed or lead.order_ids
            )
        )
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
        lost_stage = self.env["crm.stage"]._get_fixed_stage("lost")
        cases = (
            self.filtered(lambda lead: lead.type == "opportunity")
            if lost_stage
            else self.browse()
        )
        others = self - cases
        res = True
        if others:
            res = super(CrmLead, others).action_set_lost(**additional_values)
        if cases:
            inactive = cases.filtered(lambda lead: not lead.active)
            if inactive:
                inactive.action_unarchive()
            cases.write({"stage_id": lost_stage.id, **additional_values})
        return res

    def action_open_overdue(self):
        """The red clock of an overdue case opens the case."""
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

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values and self.stage_kind == "lost":
            return self.env.ref("crm.mt_lead_lost")
        return super()._track_subtype(init_values)
