from datetime import date

from freezegun import freeze_time

from .common import TracelinkCrmCommon


@freeze_time("2026-06-15 10:00:00")
class TestCrmLeadOverdue(TracelinkCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.past = date(2026, 6, 14)
        cls.today = date(2026, 6, 15)
        cls.future = date(2026, 6, 20)
        cls.case_follow_up_past = cls._create_case(
            name="FU past", follow_up_date=cls.past
        )
        cls.case_deadline_past = cls._create_case(
            name="DL past", date_deadline=cls.past
        )
        cls.case_today = cls._create_case(
            name="Today", follow_up_date=cls.today, date_deadline=cls.today
        )
        cls.case_future = cls._create_case(
            name="Future", follow_up_date=cls.future, date_deadline=cls.future
        )
        cls.case_no_dates = cls._create_case(name="No dates")
        cls.case_won_past = cls._create_case(name="Won past", follow_up_date=cls.past)
        cls.case_won_past.stage_id = cls.stage_won
        cls.case_lost_past = cls._create_case(name="Lost past", date_deadline=cls.past)
        cls.case_lost_past.action_set_lost()
        cls.all_cases = (
            cls.case_follow_up_past
            | cls.case_deadline_past
            | cls.case_today
            | cls.case_future
            | cls.case_no_dates
            | cls.case_won_past
            | cls.case_lost_past
        )

    def test_overdue_flag(self):
        overdue = self.all_cases.filtered("is_overdue")
        self.assertEqual(overdue, self.case_follow_up_past | self.case_deadline_past)

    def test_overdue_search_matches_flag(self):
        Lead = self.env["crm.lead"].with_context(active_test=False)
        found = Lead.search(
            [("id", "in", self.all_cases.ids), ("is_overdue", "=", True)]
        )
        self.assertEqual(found, self.case_follow_up_past | self.case_deadline_past)
        not_overdue = Lead.search(
            [("id", "in", self.all_cases.ids), ("is_overdue", "=", False)]
        )
        self.assertEqual(not_overdue, self.all_cases - found)

    def test_won_case_stops_being_overdue(self):
        case = self.case_follow_up_past
        self.assertTrue(case.is_overdue)
        case.stage_id = self.stage_won
        self.assertFalse(case.is_overdue)

    def test_overdue_tomorrow(self):
        with freeze_time("2026-06-21"):
            self.all_cases.invalidate_recordset(["is_overdue"])
            self.assertTrue(self.case_future.is_overdue)
            self.assertTrue(self.case_today.is_overdue)
            self.assertFalse(self.case_won_past.is_overdue)

    def test_dates_sortable(self):
        Lead = self.env["crm.lead"]
        by_follow_up = Lead.search(
            [("id", "in", self.all_cases.ids), ("follow_up_date", "!=", False)],
            order="follow_up_date asc, id",
        )
        dates = by_follow_up.mapped("follow_up_date")
        self.assertEqual(dates, sorted(dates))
        by_deadline = Lead.search(
            [("id", "in", self.all_cases.ids), ("date_deadline", "!=", False)],
            order="date_deadline desc, id",
        )
        deadlines = by_deadline.mapped("date_deadline")
        self.assertEqual(deadlines, sorted(deadlines, reverse=True))
