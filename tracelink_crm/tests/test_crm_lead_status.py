from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError

from .common import TracelinkCrmCommon


class TestCrmLeadStatus(TracelinkCrmCommon):
    def test_fixed_statuses_exist_once(self):
        self.assertTrue(self.stage_won.is_won)
        self.assertEqual(self.stage_won.status_kind, "won")
        self.assertEqual(self.stage_lost.status_kind, "lost")
        self.assertTrue(self.stage_won.is_fixed and self.stage_lost.is_fixed)
        self.assertEqual(self.stage_new.status_kind, "open")

    def test_won_forces_100_and_sets_close_date(self):
        case = self._create_case(probability=35)
        self.assertFalse(case.date_closed)
        with freeze_time("2026-03-10 09:00:00"):
            case.stage_id = self.stage_won
        self.assertEqual(case.probability, 100)
        self.assertEqual(case.date_closed, datetime(2026, 3, 10, 9, 0))
        self.assertTrue(case.is_closed)
        # typing another probability on a won case does not change it
        case.probability = 40
        self.assertEqual(case.probability, 100)

    def test_lost_is_odoo_lost_shown_as_lost_status(self):
        case = self._create_case(probability=70)
        case.stage_id = self.stage_offer
        with freeze_time("2026-04-01 12:00:00"):
            case.action_set_lost(lost_reason_id=self.lost_reason.id)
        # Odoo's lost: archived at 0 %, in the status it was lost in
        self.assertRecordValues(
            case,
            [
                {
                    "active": False,
                    "probability": 0,
                    "stage_id": self.stage_offer.id,
                    "lost_reason_id": self.lost_reason.id,
                    "date_closed": datetime(2026, 4, 1, 12, 0),
                    # shown as Lost
                    "status_id": self.stage_lost.id,
                    "stage_kind": "lost",
                    "probability_before_close": 60,
                }
            ],
        )
        # Odoo's Lost filter finds it
        Lead = self.env["crm.lead"]
        self.assertIn(
            case, Lead.search([("active", "=", False), ("probability", "=", 0)])
        )
        # and so does the case list's domain
        cases = Lead.search(
            [
                ("id", "=", case.id),
                "|",
                ("active", "=", True),
                ("stage_kind", "=", "lost"),
            ]
        )
        self.assertEqual(cases, case)

    def test_odoo_lost_wizard_leads_to_lost_status(self):
        case = self._create_case()
        wizard = self.env["crm.lead.lost"].create(
            {"lead_ids": case.ids, "lost_reason_id": self.lost_reason.id}
        )
        wizard.action_lost_reason_apply()
        self.assertEqual(case.status_id, self.stage_lost)
        self.assertEqual(case.stage_id, self.stage_new)
        self.assertFalse(case.active)
        self.assertEqual(case.probability, 0)

    def test_case_made_in_lost_status_is_closed_lost(self):
        case = self.env["crm.lead"].create(
            {
                "name": "Tabt fra start",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "stage_id": self.stage_lost.id,
            }
        )
        self.assertFalse(case.active)
        self.assertEqual(case.status_id, self.stage_lost)
        self.assertTrue(case.date_closed, "counted in the Won/Lost interval")

    def test_moving_to_lost_status_loses_case_where_it_is(self):
        # the Lost column of the kanban, or Lost in Odoo's pipeline
        for field in ("status_id", "stage_id"):
            case = self._create_case()
            case.stage_id = self.stage_offer
            case.write({field: self.stage_lost.id})
            self.assertRecordValues(
                case,
                [
                    {
                        "active": False,
                        "probability": 0,
                        "stage_id": self.stage_offer.id,
                        "status_id": self.stage_lost.id,
                    }
                ],
            )
            # taken out of the Lost column onto a status: restored there
            case.status_id = self.stage_new
            self.assertRecordValues(
                case,
                [
                    {
                        "active": True,
                        "probability": 60,
                        "stage_id": self.stage_new.id,
                        "status_id": self.stage_new.id,
                    }
                ],
            )

    def test_plain_leads_keep_odoo_lost_behaviour(self):
        lead = self.env["crm.lead"].create({"name": "Lead", "type": "lead"})
        lead.action_set_lost()
        self.assertFalse(lead.active)
        self.assertEqual(lead.probability, 0)

    def test_leaving_won_restores_editable_probability_and_clears_date(self):
        case = self._create_case(probability=30)
        case.stage_id = self.stage_won
        case.stage_id = self.stage_new
        self.assertFalse(case.date_closed)
        self.assertEqual(case.probability, 30, "the probability before Won is back")
        self.assertFalse(case.is_closed)
        case.probability = 45
        self.assertEqual(case.probability, 45)
        self.assertFalse(case.is_automated_probability)

    def test_leaving_lost_keeps_nothing_forced(self):
        case = self._create_case()
        case.action_set_lost(lost_reason_id=self.lost_reason.id)
        case.status_id = self.stage_offer
        self.assertTrue(case.active)
        self.assertEqual(case.probability, 60, "status default probability applies")
        self.assertFalse(case.date_closed)
        self.assertFalse(
            case.lost_reason_id, "a case that is no longer lost has no lost reason"
        )

    def test_status_default_probability(self):
        case = self._create_case(probability=10)
        case.stage_id = self.stage_offer
        self.assertEqual(case.probability, 60)

    def test_typed_probability_survives_scoring(self):
        case = self._create_case()
        case.probability = 42
        self.assertFalse(case.is_automated_probability)
        case._compute_probabilities()
        self.assertEqual(case.probability, 42)
        # a won case keeps 100 whatever scoring says
        case.stage_id = self.stage_won
        case._compute_probabilities()
        self.assertEqual(case.probability, 100)

    def test_batch_move_out_of_won_per_case(self):
        cases = self._create_case(name="A") | self._create_case(name="B")
        cases[0].stage_id = self.stage_won
        cases.write({"stage_id": self.stage_new.id})
        self.assertEqual(cases.mapped("date_closed"), [False, False])
        self.assertNotEqual(cases[0].probability, 100)

    def test_weighted_value_stored_and_summed(self):
        a = self._create_case(name="A", expected_revenue=10000, probability=25)
        b = self._create_case(name="B", expected_revenue=3000, probability=50)
        c = self._create_case(name="C", expected_revenue=8000, probability=10)
        c.stage_id = self.stage_won
        self.assertEqual(a.prorated_revenue, 2500)
        self.assertEqual(b.prorated_revenue, 1500)
        self.assertEqual(c.prorated_revenue, 8000)
        self.assertTrue(self.env["crm.lead"]._fields["prorated_revenue"].store)
        groups = self.env["crm.lead"].read_group(
            [("id", "in", (a | b | c).ids)],
            ["prorated_revenue:sum", "expected_revenue:sum"],
            ["stage_id"],
        )
        by_stage = {g["stage_id"][0]: g for g in groups}
        self.assertEqual(by_stage[self.stage_new.id]["prorated_revenue"], 4000)
        self.assertEqual(by_stage[self.stage_won.id]["prorated_revenue"], 8000)
        total = self.env["crm.lead"].read_group(
            [("id", "in", (a | b | c).ids)], ["prorated_revenue:sum"], []
        )
        self.assertEqual(total[0]["prorated_revenue"], 12000)

    def test_fixed_status_cannot_be_deleted(self):
        with self.assertRaises(UserError):
            self.stage_won.unlink()
        with self.assertRaises(UserError):
            self.stage_lost.unlink()
        self.stage_new.copy().unlink()  # user statuses can

    def test_fixed_status_meaning_cannot_change(self):
        # through a sales manager (who may edit statuses), also with the
        # context key Odoo's module loading sets, as any RPC caller can
        Stage = (
            self.env["crm.stage"]
            .with_user(self.user_manager)
            .with_context(install_mode=True)
        )
        won, lost = Stage.browse(self.stage_won.id), Stage.browse(self.stage_lost.id)
        with self.assertRaises(UserError):
            won.is_won = False
        with self.assertRaises(UserError):
            lost.write({"is_lost": False})
        with self.assertRaises(UserError):
            won.write({"is_fixed": False})
        with self.assertRaises(ValidationError):
            Stage.browse(self.stage_new.id).write({"is_lost": True})
        with self.assertRaises(ValidationError):
            Stage.create({"name": "Tabt 2", "is_lost": True, "is_fixed": True})
        # renaming stays possible
        lost.name = "Tabt"
        self.assertEqual(lost.status_kind, "lost")
        self.assertTrue(self.stage_won.is_won)

    def test_closed_probability_cannot_be_rewritten_over_rpc(self):
        won = self._create_case()
        won.stage_id = self.stage_won
        lost = self._create_case()
        lost.action_set_lost()
        # as a sales manager calling write over RPC, with the context key the
        # module once used for its own archiving
        for case in (won, lost):
            case.with_user(self.user_manager).with_context(
                tracelink_archive_as_lost=True
            ).write({"probability": 40, "automated_probability": 40})
        self.assertRecordValues(
            won | lost,
            [
                {"probability": 100, "automated_probability": 100},
                {"probability": 0, "automated_probability": 0},
            ],
        )

    def test_toggling_won_case_off_loses_it(self):
        # Odoo's meaning of the low-level toggle: an archived lead is lost
        case = self._create_case()
        case.stage_id = self.stage_won
        case.toggle_active()
        self.assertFalse(case.active)
        self.assertEqual(case.probability, 0)
        self.assertEqual(case.status_id, self.stage_lost)

    def test_archived_won_case_keeps_close_date(self):
        case = self._create_case()
        with freeze_time("2026-01-05 08:00:00"):
            case.stage_id = self.stage_won
        with freeze_time("2026-02-05 08:00:00"):
            case.action_archive()
        self.assertEqual(case.date_closed, datetime(2026, 1, 5, 8, 0))
        self.assertEqual(case.probability, 100)
        self.assertEqual(case.status_id, self.stage_won)
        case.action_unarchive()
        self.assertEqual(case.stage_id, self.stage_won)
        self.assertEqual(case.probability, 100)

    def test_archived_open_case_is_not_lost(self):
        case = self._create_case(probability=35)
        case.action_archive()
        self.assertFalse(case.active)
        self.assertEqual(case.probability, 35)
        self.assertEqual(case.status_id, self.stage_new)
        self.assertEqual(case.stage_kind, "open")
        case.action_unarchive()
        self.assertEqual(case.probability, 35)

    def test_scoring_cron_keeps_typed_probability(self):
        case = self._create_case()
        case.probability = 37
        self.assertFalse(case.is_automated_probability)
        self.env["ir.config_parameter"].sudo().set_param(
            "crm.pls_start_date", "2000-01-01"
        )
        self.env["crm.lead"]._cron_update_automated_probabilities()
        self.env.invalidate_all()
        self.assertEqual(case.probability, 37)

    def test_probability_equal_to_automated_is_not_typed(self):
        case = self._create_case()
        case.probability = case.automated_probability
        self.assertTrue(case.is_automated_probability)

    def test_lost_cases_count_as_lost_for_scoring(self):
        case = self._create_case()
        Frequency = self.env["crm.lead.scoring.frequency"]

        def lost_at(stage):
            return sum(
                Frequency.search(
                    [("variable", "=", "stage_id"), ("value", "=", str(stage.id))]
                ).mapped("lost_count")
            )

        before = sum(Frequency.search([]).mapped("lost_count"))
        before_at_lost = lost_at(self.stage_lost)
        before_at_stage = lost_at(case.stage_id)
        case.action_set_lost()
        after = sum(Frequency.search([]).mapped("lost_count"))
        self.assertGreater(after, before, "the lost case feeds predictive scoring")
        # counted at the status it was lost in, never at the Lost status (won
        # cases elsewhere in the database may count there: Odoo credits a won
        # lead to every status)
        self.assertGreater(lost_at(case.stage_id), before_at_stage)
        self.assertEqual(lost_at(self.stage_lost), before_at_lost)
        case.action_unarchive()
        self.assertLess(
            sum(Frequency.search([]).mapped("lost_count")),
            after,
            "restoring takes the loss back",
        )

    def test_lost_case_is_not_a_duplicate_to_merge(self):
        lead = self._create_case(email_from="ordre@vejle-maskin.dk")
        lost = self._create_case(email_from="ordre@vejle-maskin.dk")
        lost.action_set_lost()
        duplicates = lead._get_lead_duplicates(email=lead.email_from)
        self.assertNotIn(lost, duplicates)
        self.assertIn(
            lost, lead._get_lead_duplicates(email=lead.email_from, include_lost=True)
        )

    def test_superuser_code_may_purge(self):
        case = self._create_case()
        case.stage_id = self.stage_won
        case.sudo().unlink()
        self.assertFalse(case.exists())

    def test_restore_lost_case_reopens_it(self):
        case = self._create_case(probability=35)
        case.stage_id = self.stage_offer
        case.probability = 55
        case.action_set_lost(lost_reason_id=self.lost_reason.id)
        case.toggle_active()  # Odoo's "Restore" of a lost lead
        self.assertTrue(case.active)
        self.assertEqual(case.stage_id, self.stage_offer)
        self.assertEqual(case.status_id, self.stage_offer)
        self.assertEqual(case.probability, 55, "the earlier probability is back")
        self.assertFalse(case.lost_reason_id)
        self.assertFalse(case.date_closed)

    def test_archive_lost_case_keeps_it_lost(self):
        case = self._create_case()
        case.action_set_lost(lost_reason_id=self.lost_reason.id)
        case.action_archive()
        self.assertFalse(case.active)
        self.assertEqual(case.status_id, self.stage_lost)
        self.assertEqual(case.lost_reason_id, self.lost_reason)
