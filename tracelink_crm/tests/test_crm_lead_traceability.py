from odoo import Command
from odoo.exceptions import UserError

from .common import TracelinkCrmCommon


class TestCrmLeadTraceability(TracelinkCrmCommon):
    def test_delete_refused_for_won_lost_and_ordered(self):
        won = self._create_case(name="Won")
        won.stage_id = self.stage_won
        lost = self._create_case(name="Lost")
        lost.action_set_lost()
        ordered = self._create_case(name="Ordered")
        product = self.env["product.product"].create({"name": "P"})
        self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": ordered.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        for case in (won, lost, ordered):
            with self.assertRaisesRegex(UserError, "Archive it instead"):
                case.with_user(self.user_manager).unlink()
            self.assertTrue(case.exists())

    def test_delete_allowed_without_history(self):
        case = self._create_case(name="Fresh")
        case.with_user(self.user_manager).unlink()
        self.assertFalse(case.exists())

    def test_archive_and_restore(self):
        case = self._create_case(name="Won")
        case.stage_id = self.stage_won
        case.action_archive()
        Lead = self.env["crm.lead"]
        self.assertFalse(Lead.search([("id", "=", case.id)]))
        archived = Lead.search([("id", "=", case.id), ("active", "=", False)])
        self.assertEqual(archived, case)
        case.action_unarchive()
        self.assertTrue(case.active)

    def test_changes_tracked_in_chatter(self):
        case = self._create_case(probability=20)
        self.flush_tracking()
        case.write(
            {
                "stage_id": self.stage_won.id,
                "expected_revenue": 25000,
                "follow_up_date": "2026-09-01",
                "date_deadline": "2026-09-30",
                "partner_id": self.other_customer.id,
            }
        )
        self.flush_tracking()
        tracked = case.message_ids.tracking_value_ids.field_id.mapped("name")
        for fname in (
            "stage_id",
            "probability",
            "expected_revenue",
            "follow_up_date",
            "date_deadline",
            "partner_id",
        ):
            self.assertIn(fname, tracked)
        probability_tracking = case.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "probability"
        )
        self.assertEqual(probability_tracking.old_value_float, 20)
        self.assertEqual(probability_tracking.new_value_float, 100)

    def test_plain_lead_keeps_odoo_tracking(self):
        # a lost lead tracks its archiving and lost reason, as in Odoo; a
        # lost case its probability too
        lead = self.env["crm.lead"].create({"name": "Lead", "type": "lead"})
        case = self._create_case(probability=20)
        self.flush_tracking()
        for record in lead | case:
            record.action_set_lost(lost_reason_id=self.lost_reason.id)
        self.flush_tracking()

        def tracked(record):
            return set(record.message_ids[0].tracking_value_ids.field_id.mapped("name"))

        self.assertEqual(tracked(lead), {"active", "lost_reason_id"})
        self.assertEqual(tracked(case), {"active", "lost_reason_id", "probability"})

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()
