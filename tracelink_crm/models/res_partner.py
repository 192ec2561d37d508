from markupsafe import Markup

from odoo import api, fields, models

# the cases the CVR watch follows
OPEN_CASES = [("type", "=", "opportunity"), ("is_closed", "=", False)]
_CASE_STATISTIC = {
    "compute": "_compute_case_statistics",
    "groups": "sales_team.group_sale_salesman",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    case_won_count = fields.Integer(string="Won Cases", **_CASE_STATISTIC)
    case_lost_count = fields.Integer(string="Lost Cases", **_CASE_STATISTIC)
    case_open_count = fields.Integer(string="Open Cases", **_CASE_STATISTIC)
    case_win_rate = fields.Float(
        string="Win Rate (%)",
        help="Won cases out of the won and lost ones.",
        **_CASE_STATISTIC,
    )

    def _compute_case_statistics(self):
        """Over the customer's company and its contacts, from the case
        statistics (as the user may see them)."""
        figures = ("won_count", "lost_count", "open_count", "win_rate")
        groups = self.env["tracelink.crm.case.report"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            groupby=["partner_id"],
            aggregates=[f"{name}:sum" for name in figures[:3]] + ["win_rate:avg"],
        )
        by_partner = {partner: values for partner, *values in groups}
        for partner in self:
            values = by_partner.get(partner.commercial_partner_id, (0, 0, 0, 0.0))
            for name, value in zip(figures, values, strict=True):
                partner[f"case_{name}"] = value

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_crm.crm_lead_action_case"
        )
        action["domain"] = [
            ("type", "=", "opportunity"),
            ("partner_id", "child_of", self.commercial_partner_id.id),
        ]
        action["context"] = {
            "default_type": "opportunity",
            "default_partner_id": self.id,
            "tracelink_case": True,
            "search_default_current": 1,
        }
        return action

    @api.model
    def _cvr_watch_domains(self):
        # What the watch follows is the same for every user: read as superuser.
        Lead = self.env["crm.lead"].sudo()
        cases = Lead._read_group(
            [*OPEN_CASES, ("partner_id", "!=", False)], ["partner_id"]
        )
        partners = self.browse([partner.id for [partner] in cases])
        partners |= self.env["sale.order"].sudo()._get_cvr_watched_customers()
        return [
            *super()._cvr_watch_domains(),
            [("id", "in", partners.commercial_partner_id.ids)],
        ]

    def _cvr_status_changed(self, old_status):
        # an activity for the salesperson of each open case
        res = super()._cvr_status_changed(old_status)
        if self.cvr_status in (False, "active"):
            return res
        status = self._cvr_display_value("cvr_status", self.cvr_status)
        of_customer = [("partner_id", "child_of", self.id), ("user_id", "!=", False)]
        cases = self.env["crm.lead"].sudo().search([*OPEN_CASES, *of_customer])
        for case in cases:
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=case.user_id.id,
                summary=self.env._("Customer %s in the CVR register", status),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "%(customer)s is “%(status)s” according to the CVR register "
                    "(was “%(old)s”). Check the case before you quote, confirm "
                    "or deliver.",
                    customer=self.display_name,
                    status=status,
                    old=self._cvr_display_value("cvr_status", old_status),
                ),
            )
        return res
