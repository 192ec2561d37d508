from odoo import fields, models
from odoo.exceptions import UserError

# The company settings shown in Settings, by field type: editable, then shown
# only. Each is the company's field of the same name; label, help and access
# groups come from there.
_EDITABLE = {
    fields.Boolean: ("economic_enabled",),
    fields.Char: (
        "economic_base_url",
        "economic_app_secret_token",
        "economic_agreement_grant_token",
    ),
    fields.Integer: (
        "economic_timeout",
        "economic_customer_group",
        "economic_payment_terms",
        "economic_vat_zone",
        "economic_vat_zone_eu",
        "economic_vat_zone_abroad",
    ),
    fields.Many2one: ("economic_currency_id",),
}
_SHOWN = {
    fields.Datetime: ("economic_last_import",),
    fields.Integer: (
        "economic_import_created",
        "economic_import_updated",
        "economic_import_unchanged",
        "economic_import_skipped",
    ),
    fields.Text: ("economic_import_notes", "economic_import_error"),
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    for _readonly, _table in ((False, _EDITABLE), (True, _SHOWN)):
        for _type, _names in _table.items():
            for _name in _names:
                vars()[_name] = _type(related=f"company_id.{_name}", readonly=_readonly)
    del _readonly, _table, _type, _names, _name

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
