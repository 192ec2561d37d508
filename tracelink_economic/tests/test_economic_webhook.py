from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestEconomicWebhook(HttpCase):
    """e-conomic's Invoice booked webhook starts the read of the invoices'
    state at once, with the connection's secret only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.env["tracelink.economic.connection"].search(
            [("company_id", "=", company.id)]
        ).unlink()
        layout = cls.env["tracelink.economic.layout"].create(
            {"name": "Standard faktura", "number": 19, "company_id": company.id}
        )
        cls.connection = cls.env["tracelink.economic.connection"].create(
            {
                "company_id": company.id,
                "state": "enabled",
                "invoice_enabled": True,
                "invoice_layout_id": layout.id,
            }
        )
        cls.cron = cls.env.ref("tracelink_economic.ir_cron_economic_sync_invoices")

    def triggers(self):
        return self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.cron.id)]
        )

    def test_secret_triggers_the_read(self):
        before = self.triggers()
        url = self.connection.webhook_url.split("/tracelink_economic", 1)[1]
        response = self.url_open(
            "/tracelink_economic" + url + "?invoice=1001", data={"x": "1"}
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.triggers(), before + 1)

    def test_wrong_secret_not_found(self):
        before = self.triggers()
        company = self.connection.company_id.id
        response = self.url_open(f"/tracelink_economic/webhook/{company}/wrong-secret")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.triggers(), before)
