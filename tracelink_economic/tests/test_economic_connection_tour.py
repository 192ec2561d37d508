from odoo.tests import HttpCase, tagged

from .common import TracelinkEconomicCommon


@tagged("post_install", "-at_install")
class TestEconomicConnectionTour(HttpCase, TracelinkEconomicCommon):
    def test_administrator_tests_and_imports(self):
        """An administrator opens Contacts > Configuration > e-conomic, tests
        the connection and imports the customers now."""
        self.fake.add_customers(3)
        self.user_admin.tour_enabled = False
        self.start_tour(
            "/odoo/action-tracelink_economic.tracelink_economic_connection_action",
            "tracelink_economic_connection_tour",
            login=self.user_admin.login,
        )
        self.assertEqual(len(self.economic_partners()), 3)
        self.assertEqual(len(self.requests_to("GET", "/self")), 1)
        self.assertIn("3 created", self.connection.message_ids[0].body)
