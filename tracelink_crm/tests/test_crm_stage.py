from odoo.tests import HttpCase, tagged

from .common import TracelinkCrmCommon


class TestCrmStageOrder(TracelinkCrmCommon):
    def test_new_status_goes_before_won_and_lost(self):
        Stage = self.env["crm.stage"].with_user(self.user_manager)
        Stage.create({"name": "Forhandling", "sequence": 500})
        stages = self.env["crm.stage"].search([])
        self.assertEqual(stages[-3:].mapped("name"), ["Forhandling", "Won", "Lost"])

    def test_column_added_in_kanban_goes_before_won_and_lost(self):
        """The web client adds a column after the last one and resequences
        every column in that order, one write each (/web/dataset/resequence)."""
        stages = self.env["crm.stage"].search([])
        new = (
            self.env["crm.stage"]
            .with_user(self.user_manager)
            .create({"name": "Produktion"})
        )
        for sequence, stage in enumerate(stages + new):
            stage.with_user(self.user_manager).write({"sequence": sequence})
        order = self.env["crm.stage"].search([]).mapped("name")
        self.assertEqual(order[-3:], ["Produktion", "Won", "Lost"])
        self.assertLess(order.index("Ny"), order.index("Produktion"))

    def test_status_moved_behind_won_comes_back_before_it(self):
        self.stage_offer.with_user(self.user_manager).write(
            {"sequence": self.stage_lost.sequence + 10}
        )
        order = self.env["crm.stage"].search([]).mapped("name")
        self.assertEqual(order[-3:], ["Tilbud sendt", "Won", "Lost"])


@tagged("post_install", "-at_install")
class TestCrmStageMenu(HttpCase, TracelinkCrmCommon):
    def _menus(self, login):
        self.authenticate(login, login)
        response = self.url_open("/web/webclient/load_menus/1")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_statuses_menu_without_developer_mode(self):
        """CRM > Configuration > Statuses, for a sales manager in the normal
        (not developer) mode of the web client."""
        menus = self._menus(self.user_manager.login)
        config = self.env.ref("crm.crm_menu_config")
        statuses = self.env.ref("tracelink_crm.crm_stage_menu")
        self.assertIn(statuses.id, menus[str(config.id)]["children"])
        self.assertEqual(
            menus[str(statuses.id)]["actionID"],
            self.env.ref("crm.crm_stage_action").id,
        )

    def test_no_statuses_menu_for_a_salesperson(self):
        menus = self._menus(self.user_salesman.login)
        self.assertNotIn(str(self.env.ref("tracelink_crm.crm_stage_menu").id), menus)
