from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

STATUS_KINDS = [("open", "Open"), ("won", "Won"), ("lost", "Lost")]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    is_lost = fields.Boolean(
        string="Is Lost Stage?",
        readonly=True,
        help="Where the case screens show lost cases (Odoo's Lost button archives "
        "them at 0 % in the status they had).",
    )
    status_kind = fields.Selection(
        STATUS_KINDS,
        string="Status Type",
        compute="_compute_status_kind",
        store=True,
        help="Open statuses are defined by users. Won and Lost are fixed.",
    )
    is_fixed = fields.Boolean(
        string="Fixed Status",
        readonly=True,
        copy=False,
        help="Won and Lost are fixed: they cannot be deleted or change meaning.",
    )
    default_probability = fields.Float(
        help="Probability on entering this status; 0 keeps the automated one.",
    )

    _sql_constraints = [
        (
            "default_probability_range",
            "CHECK(default_probability >= 0 AND default_probability <= 100)",
            "The default probability must be between 0 and 100.",
        ),
    ]

    @api.depends("is_won", "is_lost")
    def _compute_status_kind(self):
        for stage in self:
            stage.status_kind = (
                "won" if stage.is_won else "lost" if stage.is_lost else "open"
            )

    @api.constrains("is_won", "is_lost", "is_fixed")
    def _check_fixed_status(self):
        for stage in self:
            if stage.is_won and stage.is_lost:
                raise ValidationError(
                    self.env._("Status %s cannot be both won and lost.", stage.name)
                )
            if stage.is_lost and not stage.is_fixed:
                raise ValidationError(
                    self.env._(
                        "Only the fixed Lost status can mean lost (%s).", stage.name
                    )
                )
        fixed_kinds = self.search([("is_fixed", "=", True)]).mapped("status_kind")
        for kind in ("won", "lost"):
            if fixed_kinds.count(kind) > 1:
                raise ValidationError(
                    self.env._("There can only be one fixed %s status.", kind)
                )

    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        stages._keep_fixed_last()
        return stages

    def write(self, vals):
        protected = {"is_won", "is_lost", "is_fixed"} & set(vals)
        # Only server code running as superuser (module data) may; a context
        # key would be one any caller over RPC could set.
        if protected and not self.env.su:
            for stage in self.filtered("is_fixed"):
                if any(stage[fname] != bool(vals[fname]) for fname in protected):
                    raise UserError(
                        self.env._(
                            "The status %s is fixed: its meaning cannot be changed.",
                            stage.name,
                        )
                    )
        res = super().write(vals)
        if "sequence" in vals:
            self._keep_fixed_last()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fixed(self):
        fixed = self.filtered("is_fixed")
        if fixed:
            raise UserError(
                self.env._(
                    "The status %s is fixed and cannot be deleted.",
                    ", ".join(fixed.mapped("name")),
                )
            )

    def _keep_fixed_last(self):
        """Won and Lost stay the last statuses, in that order: a status added
        as a new kanban column (which the web client places after the last
        one) or moved behind them goes before Won."""
        if not self.filtered(lambda stage: not stage.is_fixed):
            return
        open_stages = self.search([("is_fixed", "=", False)])
        last = max(open_stages.mapped("sequence"), default=0)
        fixed = self.search([("is_fixed", "=", True)]).sorted("is_lost")
        if fixed and min(fixed.mapped("sequence")) <= last:
            for offset, stage in enumerate(fixed, start=1):
                stage.write({"sequence": last + offset})
