from ast import literal_eval
from datetime import UTC, datetime
from unittest.mock import patch

import odoo
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged, users
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from ..models import tracelink_cvr_watch
from .common import TracelinkCvrCommon, cron_progress

WATCH_LOGGER = "odoo.addons.tracelink_cvr.models.tracelink_cvr_watch"


class CvrWatchCommon(TracelinkCvrCommon):
    """Companies marked "Watch in CVR" with the register data the stand-ins
    hold, and one call of the scheduled action with the progress it
    reported to ir.cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # the watch checks these companies only (demo data has others)
        Partner.search([("cvr_watched", "=", True)]).write(
            {"company_registry": False, "vat": False}
        )
        cls.watched = Partner
        for cvr in ("13585628", "22756214", "28271026", "35000011", "41000015"):
            company = cls.fake_api.companies[cvr]
            cls.watched |= Partner.create(
                {
                    "name": company["name"],
                    "is_company": True,
                    "company_registry": cvr,
                    "cvr_watch": True,
                }
            )
        cls.maskinfabrik, cls.fjordlys, cls.transport = cls.watched[:3]

    def cron_call(self):
        """One call of the scheduled action: ``(done, remaining)``."""
        return cron_progress(self.env, self.env["tracelink.cvr.watch"]._cron_watch)

    def run_cron(self, calls=10):
        """Call as ir.cron does while work is left (at most ``calls``)."""
        results = []
        for _call in range(calls):
            results.append(self.cron_call())
            done, remaining = results[-1]
            if not (done and remaining):
                break
        return results


@tagged("post_install", "-at_install")
class TestCvrWatchWhat(CvrWatchCommon):
    """What is watched: companies with a CVR number marked Watch in CVR
    (tracelink_crm adds those with open cases and orders)."""

    def test_marked_companies_with_a_cvr_number_are_watched(self):
        Partner = self.env["res.partner"]
        unmarked = Partner.create(
            {
                "name": "Umarkeret ApS",
                "is_company": True,
                "company_registry": "29910251",
            }
        )
        without_cvr = Partner.create(
            {"name": "Uden CVR ApS", "is_company": True, "cvr_watch": True}
        )
        by_vat = Partner.create(
            {
                "name": "Momsnummer A/S",
                "is_company": True,
                "vat": "DK39090325",
                "cvr_watch": True,
            }
        )
        person = Partner.create({"name": "Karen", "parent_id": self.maskinfabrik.id})
        watched = Partner.search([("cvr_watched", "=", True)])
        self.assertEqual(watched & (unmarked | without_cvr | by_vat | person), by_vat)
        self.assertTrue(self.watched <= watched)
        self.assertRecordValues(
            unmarked | by_vat, [{"cvr_watched": False}, {"cvr_watched": True}]
        )
        self.assertFalse(
            Partner.search(
                [("cvr_watched", "!=", True), ("id", "in", self.watched.ids)]
            )
        )
        # the mark is the company's own, not its contacts'
        self.assertFalse(person.cvr_watch)

    @users("tl_contacts")
    def test_contacts_user_marks_a_company_and_finds_it_in_the_list(self):
        partner = self.env["res.partner"].create(
            {"name": "Ny Kunde ApS", "is_company": True, "company_registry": "29910251"}
        )
        with Form(partner) as form:
            form.cvr_watch = True
        action = self.env["ir.actions.actions"]._for_xml_id(
            "tracelink_cvr.res_partner_action_cvr_watch"
        )
        listed = self.env["res.partner"].search(literal_eval(action["domain"]))
        self.assertIn(partner, listed)
        self.assertIn(self.maskinfabrik, listed)


@tagged("post_install", "-at_install")
class TestCvrWatchVirk(CvrWatchCommon):
    """On the CVR distribution: one search per batch of CVR numbers, the
    changes since the last run only, long answers by scroll."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.watched[3:].cvr_watch = False
        cls.watched = cls.watched[:3]  # the companies of the virk stand-in

    def setUp(self):
        super().setUp()
        self._use_virk()

    def test_first_run_asks_for_all_then_the_changes_only(self):
        self.assertEqual(self.run_cron(), [(3, 0)])
        [call] = self.fake_virk.calls
        self.assertEqual(call["args"], {"scroll": "2m"})
        query = call["json"]["query"]
        self.assertEqual(
            sorted(query["terms"]["Vrvirksomhed.cvrNummer"]),
            [13585628, 22756214, 28271026],
        )
        # what the register holds is applied, as Refresh from CVR does
        self.assertEqual(self.maskinfabrik.street, "Industrivej 4")
        self.assertTrue(self.fjordlys.cvr_protected)
        self.assertTrue(all(self.watched.mapped("cvr_checked_date")))
        self.assertTrue(self.company.cvr_watch_since)
        self.assertFalse(self.company.cvr_watch_run_start)
        # a first reading is no change
        self.assertFalse(
            self.env["tracelink.cvr.change"].search(
                [("partner_id", "in", self.watched.ids)]
            )
        )

        # the register changes one company; the next run sees it alone
        self.company.cvr_watch_since = datetime(2026, 1, 1)
        self.watched.cvr_checked_date = datetime(2026, 1, 2)
        now = datetime.now(UTC).isoformat()
        self.fake_virk.change(
            "13585628",
            now,
            status="UNDER KONKURS",
            vejnavn="Konkursvej",
            husnummerFra=1,
        )
        self.fake_virk.reset()
        messages = len(self.maskinfabrik.message_ids)
        self.assertEqual(self.run_cron(), [(3, 0)])
        [call] = self.fake_virk.calls
        [terms, changed] = call["json"]["query"]["bool"]["filter"]
        self.assertEqual(len(terms["terms"]["Vrvirksomhed.cvrNummer"]), 3)
        self.assertEqual(
            changed,
            {
                "range": {
                    "Vrvirksomhed.sidstOpdateret": {"gte": "2025-12-31T00:00:00.000Z"}
                }
            },
        )
        self.assertEqual(self.maskinfabrik.cvr_status, "bankruptcy")
        self.assertEqual(self.maskinfabrik.street, "Konkursvej 1")
        rows = self.env["tracelink.cvr.change"].search(
            [("partner_id", "=", self.maskinfabrik.id)], order="what"
        )
        self.assertRecordValues(
            rows.filtered(lambda row: row.what in ("status", "address")),
            [
                {
                    "what": "address",
                    "old_value": "Industrivej 4, 7100 Vejle",
                    "new_value": "Konkursvej 1, 7100 Vejle",
                    "seen_by": "watch",
                    "provider": "virk",
                },
                {
                    "what": "status",
                    "old_value": "Active",
                    "new_value": "Under Bankruptcy",
                    "seen_by": "watch",
                    "provider": "virk",
                },
            ],
        )
        note = self.maskinfabrik.message_ids.sorted("id")[-1]
        self.assertEqual(len(self.maskinfabrik.message_ids), messages + 1)
        self.assertIn("Changed in the CVR register (CVR watch", str(note.body))
        self.assertIn("CVR Status: Active → Under Bankruptcy", str(note.body))
        # the others changed nothing
        self.assertFalse(
            self.env["tracelink.cvr.change"].search(
                [("partner_id", "=", self.transport.id), ("what", "=", "status")]
            )
        )

    def test_batches_and_scroll(self):
        with (
            patch.object(tracelink_cvr_watch, "WATCH_BATCH_SIZE", 2),
            patch.object(tracelink_cvr_watch, "WATCH_PAGE_SIZE", 1),
        ):
            self.assertEqual(self.run_cron(), [(2, 1), (1, 0)])
        paths = [call["path"] for call in self.fake_virk.calls]
        # a batch of two read in two pages, then a batch of one
        self.assertEqual(
            paths,
            [
                "/cvr-permanent/virksomhed/_search",
                "/_search/scroll",
                "/cvr-permanent/virksomhed/_search",
            ],
        )
        self.assertTrue(self.fake_virk.calls[1]["json"]["scroll_id"])
        self.assertTrue(all(self.watched.mapped("cvr_checked_date")))
        self.assertEqual(self.transport.cvr_industry_code, "494100")

    @mute_logger(WATCH_LOGGER, "odoo.addons.tracelink_cvr.tools.http_client")
    def test_register_down_the_next_run_goes_on(self):
        with patch.object(tracelink_cvr_watch, "WATCH_BATCH_SIZE", 2):
            self.assertEqual(self.cron_call(), (2, 1))
            self.fake_virk.set_mode("http_503")
            self.assertEqual(self.cron_call(), (0, 0))
            start = self.company.cvr_watch_run_start
            self.assertTrue(start)
            self.assertFalse(self.company.cvr_watch_since)
            # the next run: the company left, not the whole list again
            self.fake_virk.reset()
            self.assertEqual(self.run_cron(), [(1, 0)])
        [call] = self.fake_virk.calls
        self.assertEqual(
            len(call["json"]["query"]["terms"]["Vrvirksomhed.cvrNummer"]), 1
        )
        self.assertEqual(self.company.cvr_watch_since, start)


@tagged("post_install", "-at_install")
class TestCvrWatchCvrapi(CvrWatchCommon):
    """On cvrapi.dk: the least recently checked first, within the daily
    budget; the per-user hourly limit does not apply."""

    def _checked(self):
        return self.watched.filtered("cvr_checked_date")

    def test_budget_runs_out_and_the_next_day_finishes_the_list(self):
        ICP = self.env["ir.config_parameter"]
        ICP.set_param("tracelink_cvr.watch_budget", "3")
        ICP.set_param("tracelink_cvr.lookup_limit", "1")
        self.watched[1].cvr_checked_date = datetime(2026, 11, 1)
        with freeze_time("2026-12-01 02:00:00"):
            self.assertEqual(self.run_cron(), [(3, 0)])
            # never checked first, then the least recently checked
            asked = [call["args"]["vat"] for call in self.fake_api.calls]
            self.assertEqual(
                asked, [self.watched[i].company_registry for i in (0, 2, 3)]
            )
            self.assertEqual(len(self._checked()), 4)
            # the budget is spent: another run today asks nothing
            self.assertEqual(self.run_cron(), [(0, 0)])
            self.assertEqual(len(self.fake_api.calls), 3)
        self.fake_api.new_day()
        with freeze_time("2026-12-02 02:00:00"):
            self.assertEqual(self.run_cron(), [(3, 0)])
            asked = [call["args"]["vat"] for call in self.fake_api.calls]
            # the one left yesterday first, then yesterday's oldest
            self.assertEqual(
                asked, [self.watched[i].company_registry for i in (4, 1, 0)]
            )
        self.assertEqual(self.watched[4].cvr_status, "bankruptcy")
        self.assertEqual(
            len(self.env["tracelink.cvr.lookup"].search([("is_watch", "=", True)])), 6
        )

    def test_chunks_within_the_budget(self):
        self.env["ir.config_parameter"].set_param("tracelink_cvr.watch_budget", "40")
        with patch.object(tracelink_cvr_watch, "CVRAPI_CHUNK", 2):
            self.assertEqual(self.run_cron(), [(2, 3), (2, 1), (1, 0)])
        self.assertEqual(len(self.fake_api.calls), 5)
        self.assertEqual(self._checked(), self.watched)

    @mute_logger(WATCH_LOGGER)
    def test_service_over_quota_stops_the_run(self):
        self.fake_api.new_day(quota=2)
        with freeze_time("2026-12-01 02:00:00"):
            self.assertEqual(self.run_cron(), [(2, 0)])
        self.assertEqual(len(self._checked()), 2)
        self.assertEqual(len(self.fake_api.calls), 3)  # the third: QUOTA_EXCEEDED
        self.fake_api.new_day()
        with freeze_time("2026-12-02 02:00:00"):
            self.run_cron()
        asked = [call["args"]["vat"] for call in self.fake_api.calls]
        self.assertEqual(asked[:3], self.watched[2:].mapped("company_registry"))

    def test_status_and_protection_changes(self):
        self.run_cron()
        self.fake_api.change(
            "13585628",
            creditbankrupt=True,
            creditstatus="Under konkurs",
            protected=True,
        )
        self.watched.cvr_checked_date = datetime(2026, 1, 1)
        self.fake_api.reset()
        self.run_cron()
        self.assertRecordValues(
            self.maskinfabrik, [{"cvr_status": "bankruptcy", "cvr_protected": True}]
        )
        rows = self.maskinfabrik.cvr_change_ids.filtered(
            lambda row: row.what in ("status", "protected")
        )
        self.assertEqual(
            sorted((row.what, row.old_value, row.new_value) for row in rows),
            [("protected", "No", "Yes"), ("status", "Active", "Under Bankruptcy")],
        )
        protected = self.env["res.partner"].search(
            [("cvr_protected", "=", True), ("id", "in", self.watched.ids)]
        )
        self.assertEqual(protected, self.fjordlys | self.maskinfabrik)

    def test_refresh_from_cvr_lists_its_changes_too(self):
        partner = self.maskinfabrik.with_user(self.user_contacts)
        partner.action_refresh_from_cvr()
        self.assertFalse(self.maskinfabrik.cvr_change_ids)
        self.fake_api.change("13585628", enddate="30/11 - 2026")
        partner.action_refresh_from_cvr()
        [row] = self.maskinfabrik.cvr_change_ids
        self.assertRecordValues(
            row,
            [
                {
                    "what": "status",
                    "seen_by": "refresh",
                    "old_value": "Active",
                    "new_value": "Ceased",
                }
            ],
        )
        self.assertEqual(row.create_uid, self.user_contacts)


@tagged("post_install", "-at_install")
class TestCvrWatchTwice(CvrWatchCommon):
    """A run while another holds the watch (a second cron worker or server)
    does nothing. A class of its own: the lock is held by the transaction."""

    def test_a_second_run_at_once_leaves_the_work_to_the_first(self):
        other = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT pg_try_advisory_xact_lock(%s)", [tracelink_cvr_watch.WATCH_LOCK]
            )
            self.assertTrue(other.fetchone()[0])
            self.assertEqual(self.cron_call(), (0, 0))
        finally:
            other.rollback()
            other.close()
        self.assertFalse(self.fake_api.calls)
        self.assertEqual(self.cron_call(), (5, 0))


@tagged("post_install", "-at_install")
class TestCvrWatchRights(CvrWatchCommon):
    """The CVR changes are read by internal users and written by the watch;
    its budget is an administrator's setting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.change = cls.env["tracelink.cvr.change"].create(
            {
                "partner_id": cls.maskinfabrik.id,
                "what": "status",
                "old_value": "Active",
                "new_value": "Under Bankruptcy",
                "seen_by": "watch",
            }
        )

    def test_internal_users_read_the_changes_only(self):
        for user in (self.user_internal, self.user_contacts):
            with self.subTest(user=user.login):
                Change = self.env["tracelink.cvr.change"].with_user(user)
                self.assertIn(self.change, Change.search([]))
                self.change.with_user(user).read(["what", "new_value"])
                with self.assertRaises(AccessError):
                    self.change.with_user(user).write({"new_value": "Active"})
                with self.assertRaises(AccessError):
                    self.change.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    Change.create(
                        {
                            "partner_id": self.fjordlys.id,
                            "what": "name",
                            "seen_by": "watch",
                        }
                    )

    def test_portal_users_see_no_changes(self):
        with self.assertRaises(AccessError):
            self.env["tracelink.cvr.change"].with_user(self.user_portal).search([])

    def test_budget_is_an_administrators_setting(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.user_contacts).create(
                {"cvr_watch_budget": 400}
            )
        settings = self.env["res.config.settings"].create({"cvr_watch_budget": 25})
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("tracelink_cvr.watch_budget"),
            "25",
        )
