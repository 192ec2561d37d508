from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.cvr_client import REGISTER_STATES


class CvrCustomerWizard(models.TransientModel):
    """New CVR customer: *search* → *pick* a match → *confirm_ceased* (one not
    active) → *done*: the partner with that CVR number, reused or made, is
    handed to the caller (``tracelink_cvr_return_partner``) or opened."""

    _name = "tracelink.cvr.customer.wizard"
    _description = "New CVR Customer"

    state = fields.Selection(
        [
            ("search", "Search"),
            ("pick", "Pick"),
            ("confirm_ceased", "Confirm Company Not Active"),
            ("done", "Done"),
        ],
        default="search",
        required=True,
    )
    search_term = fields.Char(
        string="Name or CVR Number",
        help="A company name, or a CVR number with or without DK, spaces or dashes.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    provider = fields.Selection(related="company_id.cvr_provider")
    return_partner = fields.Boolean(
        default=lambda self: bool(self.env.context.get("tracelink_cvr_return_partner")),
        help="Close the dialog handing the partner to the caller.",
    )
    line_ids = fields.One2many(
        "tracelink.cvr.customer.wizard.line", "wizard_id", string="Matches"
    )
    line_count = fields.Integer(compute="_compute_line_count")
    selected_line_id = fields.Many2one(
        "tracelink.cvr.customer.wizard.line", string="Selected Company"
    )
    ceased_message = fields.Char(compute="_compute_messages")
    reuse_message = fields.Char(compute="_compute_messages")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)

    @api.depends("line_ids")
    def _compute_line_count(self):
        for wizard in self:
            wizard.line_count = len(wizard.line_ids)

    @api.depends("selected_line_id")
    def _compute_messages(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            line = wizard.selected_line_id
            wizard.ceased_message = wizard.reuse_message = False
            if line.status == "ceased" and line.end_date:
                wizard.ceased_message = self.env._(
                    "%(name)s has ceased according to the CVR register (on "
                    "%(date)s). Use it as a customer anyway?",
                    name=line.name,
                    date=format_date(self.env, line.end_date),
                )
            elif line.status == "ceased":
                wizard.ceased_message = self.env._(
                    "%s has ceased according to the CVR register. Use it as a "
                    "customer anyway?",
                    line.name,
                )
            elif line.status and line.status != "active":
                wizard.ceased_message = self.env._(
                    "%(name)s is “%(state)s” according to the CVR register. Use "
                    "it as a customer anyway?",
                    name=line.name,
                    state=Partner._cvr_display_value("cvr_status", line.status),
                )
            if line.existing_partner_id:
                wizard.reuse_message = self.env._(
                    "%s already has this CVR number in Odoo: it will be used, no "
                    "new contact is created.",
                    line.existing_partner_id.display_name,
                )

    def action_search(self):
        self.ensure_one()
        companies = self.env["tracelink.cvr.api"]._cvr_search(
            self.search_term, company=self.company_id
        )
        self.line_ids.unlink()
        lines = [
            Command.create({"sequence": sequence, "company_data": company})
            for sequence, company in enumerate(companies)
        ]
        self.write({"state": "pick", "line_ids": lines})
        self.selected_line_id = self.line_ids if len(self.line_ids) == 1 else False
        return self._action_reopen()

    def action_back(self):
        self.ensure_one()
        if self.state == "confirm_ceased":
            self.state = "pick"
        else:
            self.line_ids.unlink()
            self.write({"state": "search", "selected_line_id": False})
        return self._action_reopen()

    def action_confirm(self):
        """Reuse or create the selected company's partner (one not active
        once confirmed)."""
        self.ensure_one()
        line = self.selected_line_id
        if self.state not in ("pick", "confirm_ceased") or not line:
            raise UserError(self.env._("Look a company up and select it first."))
        if self.state == "pick" and line.status != "active":
            self.state = "confirm_ceased"
            return self._action_reopen()
        partner = line.existing_partner_id
        is_reused = bool(partner)
        partner = partner or self.env["res.partner"]._create_from_cvr(line.company_data)
        self.write({"state": "done", "partner_id": partner.id})

        if is_reused:
            title = self.env._("Existing customer used")
            message = self.env._(
                "%(partner)s (CVR %(cvr)s) already exists in Odoo: it was used "
                "and no new contact was created.",
                partner=partner.display_name,
                cvr=partner._get_cvr_number(),
            )
        else:
            title = self.env._("Customer created")
            message = self.env._(
                "%s was created from the CVR register.", partner.display_name
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "warning" if is_reused else "success",
                "next": self._next_action(),
            },
        }

    def _next_action(self):
        """Back to the caller with the partner, else to the partner."""
        self.ensure_one()
        if self.return_partner:
            [values] = self.partner_id.read(["display_name"])
            return {
                "type": "ir.actions.act_window_close",
                "infos": {"tracelink_cvr_partner": values},
            }
        return self.partner_id._get_records_action(context={})

    def _action_reopen(self):
        return self._get_records_action(
            name=self.env._("New CVR customer"),
            target="new",
            context=dict(self.env.context, dialog_size="extra-large"),
        )


class CvrCustomerWizardLine(models.TransientModel):
    _name = "tracelink.cvr.customer.wizard.line"
    _description = "New CVR Customer: Match"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "tracelink.cvr.customer.wizard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    company_data = fields.Json(
        string="Register Answer",
        readonly=True,
        help="The company as the register described it (a company dict of "
        "tools/cvr_client.py, dates as ISO strings).",
    )
    cvr = fields.Char(string="CVR Number", compute="_compute_company_fields")
    name = fields.Char(compute="_compute_company_fields")
    status = fields.Selection(REGISTER_STATES, compute="_compute_company_fields")
    end_date = fields.Date(string="Ceased On", compute="_compute_company_fields")
    existing_partner_id = fields.Many2one(
        "res.partner", string="Already in Odoo", compute="_compute_existing_partner_id"
    )

    @api.depends("company_data")
    def _compute_company_fields(self):
        for line in self:
            company = line.company_data
            line.cvr = company["cvr"] or False
            line.name = company["name"] or False
            line.status = company["state"]
            line.end_date = company["end_date"] or False

    @api.depends("company_data", "wizard_id.company_id")
    def _compute_existing_partner_id(self):
        Partner = self.env["res.partner"]
        for wizard, lines in self.grouped("wizard_id").items():
            found = Partner._find_partners_by_cvr(
                lines.mapped("cvr"), wizard.company_id
            )
            for line in lines:
                line.existing_partner_id = found.get(line.cvr)

    def action_select(self):
        self.ensure_one()
        wizard = self.wizard_id
        if wizard.state != "pick":
            raise UserError(self.env._("Look a company up and select it first."))
        wizard.selected_line_id = self
        return wizard._action_reopen()
