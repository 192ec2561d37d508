from odoo.addons.tracelink_crm import upgrade

from .common import TracelinkCrmCommon


class TestUpgradeLostCases(TracelinkCrmCommon):
    """The steps of the upgrade to 18.0.3.0.0 on cases in the old form: lost
    cases in the fixed Lost status, typed probabilities marked by hand."""

    def _old_form(self, case, **values):
        """Write ``values`` on ``case`` in SQL, as 18.0.2.0.0 kept it."""
        self.env.flush_all()
        assignments = ", ".join(f"{column} = %s" for column in values)
        self.env.cr.execute(
            f"UPDATE crm_lead SET {assignments} WHERE id = %s",  # noqa: S608
            [*values.values(), case.id],
        )
        self.env.invalidate_all()

    def setUp(self):
        super().setUp()
        self.env.cr.execute(
            "ALTER TABLE crm_lead "
            "ADD COLUMN IF NOT EXISTS stage_before_close_id int4, "
            "ADD COLUMN IF NOT EXISTS is_probability_manual boolean"
        )
        # the cases there are already (demo data): typed, left as they are
        self.env.cr.execute("UPDATE crm_lead SET is_probability_manual = TRUE")
        self.lost = self._create_case(name="Tabt i tilbud")
        self._old_form(
            self.lost,
            stage_id=self.stage_lost.id,
            status_id=self.stage_lost.id,
            stage_before_close_id=self.stage_offer.id,
            probability=0,
            automated_probability=0,
            probability_before_close=45,
            lost_reason_id=self.lost_reason.id,
            active=True,
        )
        self.lost_unknown = self._create_case(name="Tabt uden status")
        self._old_form(
            self.lost_unknown,
            stage_id=self.stage_lost.id,
            probability=0,
            active=True,
        )
        self.typed = self._create_case(name="Skrevet")
        self._old_form(
            self.typed,
            probability=33,
            automated_probability=20,
            is_probability_manual=True,
        )
        self.defaulted = self._create_case(name="Statusens")
        self._old_form(
            self.defaulted,
            stage_id=self.stage_offer.id,
            probability=60,
            automated_probability=20,
            is_probability_manual=False,
        )
        self.won = self._create_case(name="Vundet")
        self.won.stage_id = self.stage_won

    def _migrate(self):
        moved = upgrade.lose_cases_in_lost_status(self.env.cr)
        kept = upgrade.keep_automated_probabilities(self.env.cr)
        upgrade.fill_status(self.env.cr)
        self.env.invalidate_all()
        return moved, kept

    def test_lost_cases_become_odoo_lost_cases(self):
        moved, kept = self._migrate()
        self.assertEqual((moved, kept), (2, 1))
        self.assertRecordValues(
            self.lost,
            [
                {
                    "active": False,
                    "stage_id": self.stage_offer.id,
                    "status_id": self.stage_lost.id,
                    "stage_kind": "lost",
                    "probability": 0,
                    "probability_before_close": 45,
                    "lost_reason_id": self.lost_reason.id,
                }
            ],
        )
        # without the status it was lost from: the first open status
        first_open = self.env["crm.stage"].search(
            [("is_won", "=", False), ("is_lost", "=", False), ("team_id", "=", False)],
            order="sequence, id",
            limit=1,
        )
        self.assertEqual(self.lost_unknown.stage_id, first_open)
        self.assertEqual(self.lost_unknown.status_id, self.stage_lost)
        self.assertFalse(self.lost_unknown.active)
        # restored as any lost case: its status and earlier probability back
        self.lost.action_unarchive()
        self.assertRecordValues(
            self.lost,
            [{"active": True, "stage_id": self.stage_offer.id, "probability": 45}],
        )

    def test_typed_probability_into_odoo_automated_probability(self):
        self._migrate()
        self.assertFalse(self.typed.is_automated_probability)
        self.assertEqual(self.typed.probability, 33)
        # a status's default probability, not typed: scoring goes on with it
        self.assertTrue(self.defaulted.is_automated_probability)
        self.assertEqual(self.defaulted.probability, 60)
        self.assertEqual(self.won.probability, 100)
        self.assertEqual(self.won.status_id, self.stage_won)

    def test_steps_run_twice_change_nothing(self):
        self._migrate()
        self.assertEqual(self._migrate(), (0, 0))
