from odoo import fields, models
from odoo.exceptions import UserError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # --- CVR register ---------------------------------------------------

    cvr_provider = fields.Selection(
        related="company_id.cvr_provider", readonly=False, required=True
    )
    # The service addresses steer where credentials are sent: administrators only.
    cvr_cvrapi_url = fields.Char(
        related="company_id.cvr_cvrapi_url",
        readonly=False,
        groups="base.group_system",
    )
    cvr_cvrapi_user_agent = fields.Char(
        related="company_id.cvr_cvrapi_user_agent", readonly=False
    )
    cvr_cvrapi_token = fields.Char(
        related="company_id.cvr_cvrapi_token",
        readonly=False,
        groups="base.group_system",
    )
    cvr_virk_url = fields.Char(
        related="company_id.cvr_virk_url",
        readonly=False,
        groups="base.group_system",
    )
    cvr_virk_username = fields.Char(
        related="company_id.cvr_virk_username",
        readonly=False,
        groups="base.group_system",
    )
    cvr_virk_password = fields.Char(
        related="company_id.cvr_virk_password",
        readonly=False,
        groups="base.group_system",
    )
    cvr_timeout = fields.Integer(related="company_id.cvr_timeout", readonly=False)
    cvr_cache_hours = fields.Integer(
        related="company_id.cvr_cache_hours", readonly=False
    )
    cvr_lookup_limit = fields.Integer(
        related="company_id.cvr_lookup_limit", readonly=False
    )

    # --- e-conomic ------------------------------------------------------

    economic_enabled = fields.Boolean(
        related="company_id.economic_enabled", readonly=False
    )
    economic_base_url = fields.Char(
        related="company_id.economic_base_url",
        readonly=False,
        groups="base.group_system",
    )
    economic_app_secret_token = fields.Char(
        related="company_id.economic_app_secret_token",
        readonly=False,
        groups="base.group_system",
    )
    economic_agreement_grant_token = fields.Char(
        related="company_id.economic_agreement_grant_token",
        readonly=False,
        groups="base.group_system",
    )
    economic_timeout = fields.Integer(
        related="company_id.economic_timeout", readonly=False
    )
    economic_customer_group = fields.Integer(
        related="company_id.economic_customer_group", readonly=False
    )
    economic_payment_terms = fields.Integer(
        related="company_id.economic_payment_terms", readonly=False
    )
    economic_vat_zone = fields.Integer(
        related="company_id.economic_vat_zone", readonly=False
    )
    economic_currency_id = fields.Many2one(
        related="company_id.economic_currency_id", readonly=False
    )
    economic_last_import = fields.Datetime(related="company_id.economic_last_import")
    economic_import_created = fields.Integer(
        related="company_id.economic_import_created"
    )
    economic_import_updated = fields.Integer(
        related="company_id.economic_import_updated"
    )
    economic_import_unchanged = fields.Integer(
        related="company_id.economic_import_unchanged"
    )
    economic_import_skipped = fields.Integer(
        related="company_id.economic_import_skipped"
    )
    # What the import found (customer names, numbers): administrators and
    # sales managers.
    economic_import_notes = fields.Text(
        related="company_id.economic_import_notes",
        groups="base.group_system,sales_team.group_sale_manager",
    )
    economic_import_error = fields.Text(
        related="company_id.economic_import_error",
        groups="base.group_system,sales_team.group_sale_manager",
    )

    # --- Order conversion -----------------------------------------------

    tracelink_order_product_id = fields.Many2one(
        related="company_id.tracelink_order_product_id", readonly=False
    )
    tracelink_order_auto_send = fields.Boolean(
        related="company_id.tracelink_order_auto_send", readonly=False
    )

    # --- Actions --------------------------------------------------------

    def action_economic_test_connection(self):
        """Ask e-conomic who the tokens belong to; notify success or the reason."""
        self.ensure_one()
        try:
            agreement, name = self.env["tracelink.economic.api"]._test_connection(
                self.company_id
            )
        except UserError as error:
            return self._economic_notification(error.args[0], "danger")
        return self._economic_notification(
            self.env._(
                "Connected to e-conomic: agreement %(agreement)s, %(company)s.",
                agreement=agreement,
                company=name,
            ),
            "success",
        )

    def action_economic_import_customers(self):
        """Import e-conomic's customers now; notify the summary or the reason."""
        self.ensure_one()
        try:
            result = self.env["tracelink.economic.api"]._import_customers(
                self.company_id, raise_errors=False
            )
        except UserError as error:
            return self._economic_notification(error.args[0], "danger")
        if result["error"]:
            return self._economic_notification(result["error"], "danger")
        return self._economic_notification(
            self.env._(
                "e-conomic customers imported: %(created)s created, %(updated)s "
                "updated, %(unchanged)s unchanged, %(skipped)s skipped.",
                created=result["created"],
                updated=result["updated"],
                unchanged=result["unchanged"],
                skipped=result["skipped"],
            ),
            "warning" if result["skipped"] else "success",
        )

    def _economic_notification(self, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("e-conomic"),
                "message": message,
                "type": kind,
                "sticky": kind != "success",
            },
        }
