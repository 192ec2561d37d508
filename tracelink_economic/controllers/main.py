import hmac

from odoo import http
from odoo.http import request


class EconomicWebhook(http.Controller):
    @http.route(
        "/tracelink_economic/webhook/<int:company_id>/<string:token>",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def invoice_booked(self, company_id, token, **_params):
        """e-conomic's "Invoice booked" webhook: the secret token of the
        company's connection starts the scheduled read of the invoices' state
        at once (polling stays the fallback). Anything else is not found."""
        env = request.env(su=True)
        company = env["res.company"].browse(company_id)
        connection = env["tracelink.economic.connection"]._for_invoices(company)
        secret = connection.webhook_token or ""
        if not secret or not hmac.compare_digest(secret, token):
            return request.make_response("", status=404)
        env.ref("tracelink_economic.ir_cron_economic_sync_invoices")._trigger()
        return request.make_response("", status=204)
