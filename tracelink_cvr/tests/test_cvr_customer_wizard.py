from datetime import date, timedelta
from unittest.mock import patch

import psycopg2
import requests

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from .common import TracelinkCvrCommon


@tagged("post_install", "-at_install")
class TestCvrCustomerWizard(TracelinkCvrCommon):
    """New CVR customer: look-up, pick, confirm, reuse, failures."""

    def _look_up(self, term, **context):
        """Open the wizard through its form, type ``term`` and look it up."""
        form = Form(self.env["tracelink.cvr.customer.wizard"].with_context(**context))
        self.assertEqual(form.state, "search")
        form.search_term = term
        wizard = form.save()
        action = wizard.action_search()
        self.assertEqual(action["res_model"], "tracelink.cvr.customer.wizard")
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(action["target"], "new")
        return wizard

    def _raises(self, exception, func, *args):
        """Call ``func`` expecting ``exception``; unlike ``assertRaises``, no
        savepoint is rolled back, so what the call wrote stays visible."""
        try:
            func(*args)
        except exception as caught:
            return caught
        self.fail(f"{func.__name__} did not raise {exception.__name__}")

    def _partner_count(self):
        return self.env["res.partner"].with_context(active_test=False).search_count([])

    # -- by number / by name -------------------------------------------------

    def test_by_cvr_number_creates_partner(self):
        wizard = self._look_up("DK 1358-5628")
        [call] = self.fake_api.calls
        self.assertEqual(call["args"]["vat"], "13585628")
        self.assertEqual(
            call["headers"]["User-Agent"],
            "Tracelink CRM - customer lookup - salg@tracelink-test.example.dk",
        )
        self.assertEqual(wizard.state, "pick")
        [line] = wizard.line_ids
        self.assertEqual(wizard.selected_line_id, line)
        self.assertEqual(
            (
                line.cvr,
                line.name,
                line.company_data["street"],
                line.company_data["zip"],
                line.company_data["city"],
            ),
            ("13585628", "Eksempel Maskinfabrik ApS", "Industrivej 4", "7100", "Vejle"),
        )
        self.assertEqual(line.status, "active")
        self.assertFalse(line.existing_partner_id)
        self.assertFalse(wizard.reuse_message)
        # the matches are shown, the search field is gone
        form = Form(wizard)
        with self.assertRaises(AssertionError):
            form.search_term = "andet"

        action = wizard.action_confirm()

        partner = wizard.partner_id
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Eksempel Maskinfabrik ApS",
                    "is_company": True,
                    "street": "Industrivej 4",
                    "street2": False,
                    "zip": "7100",
                    "city": "Vejle",
                    "country_id": self.env.ref("base.dk").id,
                    "phone": "75000000",
                    "email": "info@maskinfabrik.example.dk",
                    "vat": "DK13585628",
                    "company_registry": "13585628",
                    "cvr_industry_code": "282900",
                    "cvr_industry_text": "Fremstilling af andre maskiner til "
                    "generelle formål",
                    "cvr_legal_form": "Anpartsselskab",
                    "cvr_status": "active",
                    "cvr_protected": False,
                    "cvr_provider": "cvrapi",
                }
            ],
        )
        self.assertAlmostEqual(
            partner.cvr_lookup_date, fields.Datetime.now(), delta=timedelta(minutes=1)
        )
        self.assertEqual(self._partners_with_cvr("13585628"), partner)
        self.assertRecordValues(wizard, [{"state": "done", "partner_id": partner.id}])
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("Eksempel Maskinfabrik ApS", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["res_id"], partner.id)

    def test_by_name_lists_several_candidates(self):
        self._use_virk()
        wizard = self._look_up("eksempel")
        [call] = self.fake_virk.calls
        self.assertTrue(call["headers"]["Authorization"].startswith("Basic "))
        self.assertIn("match_phrase_prefix", str(call["json"]["query"]))
        self.assertEqual(
            wizard.line_ids.mapped("name"),
            ["Eksempel Maskinfabrik ApS", "Eksempel Transport A/S"],
        )
        self.assertFalse(wizard.selected_line_id)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(wizard.partner_id)

        transport = wizard.line_ids[1]
        action = transport.action_select()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.selected_line_id, transport)
        wizard.action_confirm()

        self.assertRecordValues(
            wizard.partner_id,
            [
                {
                    "name": "Eksempel Transport A/S",
                    "street": "Transportvej 18-20",
                    "street2": "c/o Eksempel Holding ApS",
                    "zip": "6000",
                    "city": "Kolding",
                    "phone": "+45 76 00 00 00",
                    "email": "ordre@transport.example.dk",
                    "vat": "DK28271026",
                    "company_registry": "28271026",
                    "cvr_legal_form": "Aktieselskab",
                    "cvr_status": "active",
                    "cvr_provider": "virk",
                }
            ],
        )
        self.assertFalse(self._partners_with_cvr("13585628"))

    def test_by_name_from_contacts_opens_partner(self):
        """From the contacts list: the new partner is opened."""
        wizard = self._look_up("Fjordlys", active_model="res.partner", active_ids=[])
        self.assertEqual(self.fake_api.calls[0]["args"]["search"], "Fjordlys")
        [line] = wizard.line_ids
        self.assertIs(line.company_data["protected"], True)
        action = wizard.action_confirm()
        partner = wizard.partner_id
        self.assertEqual(partner.name, "Fjordlys Rådgivning A/S")
        self.assertTrue(partner.cvr_protected)
        self.assertEqual(partner.street, "Havnegade 12, 2. tv")
        self.assertEqual(
            action["params"]["next"],
            {
                "type": "ir.actions.act_window",
                "res_model": "res.partner",
                "res_id": partner.id,
                "views": [(False, "form")],
                "target": "current",
                "context": {},
            },
        )

    def test_return_partner_to_the_field(self):
        """Opened by the button next to a customer field: the dialog hands the
        partner back (the form is not saved yet, so nothing else is written)."""
        wizard = self._look_up("13585628", tracelink_cvr_return_partner=True)
        action = wizard.action_confirm()
        partner = wizard.partner_id
        self.assertEqual(
            action["params"]["next"],
            {
                "type": "ir.actions.act_window_close",
                "infos": {
                    "tracelink_cvr_partner": {
                        "id": partner.id,
                        "display_name": "Eksempel Maskinfabrik ApS",
                    }
                },
            },
        )

    def test_back_to_search(self):
        wizard = self._look_up("13585628")
        wizard.action_back()
        self.assertEqual(wizard.state, "search")
        self.assertFalse(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_confirm()

    # -- reuse -----------------------------------------------------------------

    def test_existing_partner_is_reused(self):
        existing = self.env["res.partner"].create(
            {
                "name": "Maskinfabrikken i Vejle",
                "is_company": True,
                "company_registry": "13585628",
            }
        )
        count = self._partner_count()
        wizard = self._look_up("13585628")
        self.assertEqual(wizard.line_ids.existing_partner_id, existing)
        self.assertEqual(wizard.selected_line_id.existing_partner_id, existing)
        self.assertIn("Maskinfabrikken i Vejle already has", wizard.reuse_message)
        # reusing a partner is not a creation: the e-conomic step is not asked
        with patch.object(
            type(self.env["res.partner"]),
            "_prepare_customer_from_cvr",
            side_effect=UserError("e-conomic: must not be called"),
        ) as prepare:
            action = wizard.action_confirm()
        prepare.assert_not_called()
        self.assertEqual(self._partner_count(), count)
        self.assertEqual(wizard.partner_id, existing)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(action["params"]["title"], "Existing customer used")
        self.assertIn("Maskinfabrikken i Vejle", action["params"]["message"])
        self.assertIn("13585628", action["params"]["message"])
        self.assertIn("already exists", action["params"]["message"])

    def test_existing_partner_found_by_vat(self):
        existing = self.env["res.partner"].create(
            {"name": "Transport", "is_company": True, "vat": "DK28271026"}
        )
        wizard = self._look_up("28271026")
        wizard.action_confirm()
        self.assertEqual(wizard.partner_id, existing)
        self.assertEqual(self._partners_with_cvr("28271026"), existing)

    def test_partner_of_another_company_is_not_reused(self):
        sister = self.env["res.company"].create({"name": "Søsterselskab ApS"})
        theirs = self.env["res.partner"].create(
            {
                "name": "Maskinfabrikken (søster)",
                "is_company": True,
                "company_registry": "13585628",
                "company_id": sister.id,
            }
        )
        wizard = self._look_up("13585628")
        self.assertFalse(wizard.line_ids.existing_partner_id)
        action = wizard.action_confirm()
        self.assertNotEqual(wizard.partner_id, theirs)
        self.assertEqual(action["params"]["title"], "Customer created")

        self.assertEqual(len(self._partners_with_cvr("13585628")), 2)

    # -- ceased company ----------------------------------------------------------

    def test_ceased_company_needs_explicit_confirmation(self):
        wizard = self._look_up("10150817")
        [line] = wizard.line_ids
        self.assertEqual(line.status, "ceased")
        self.assertEqual(line.end_date, date(2021, 6, 30))

        # the first confirmation only asks to confirm a ceased company
        wizard.action_confirm()
        self.assertEqual(wizard.state, "confirm_ceased")
        self.assertEqual(wizard.selected_line_id.name, "Nordvind Bageri I/S")
        self.assertEqual(
            wizard.ceased_message,
            "Nordvind Bageri I/S has ceased according to the CVR register "
            "(on 06/30/2021). Use it as a customer anyway?",
        )
        self.assertFalse(self._partners_with_cvr("10150817"))
        self.assertFalse(wizard.partner_id)

        wizard.action_back()
        self.assertEqual(wizard.state, "pick")
        self.assertFalse(self._partners_with_cvr("10150817"))

        wizard.action_confirm()
        wizard.action_confirm()
        partner = wizard.partner_id
        self.assertEqual(partner.name, "Nordvind Bageri I/S")
        self.assertEqual(partner.cvr_status, "ceased")
        self.assertFalse(partner.phone)

    # -- cache -------------------------------------------------------------------

    def test_cache_hit_makes_no_http_call(self):
        self._look_up("13585628")
        self._look_up("DK13585628")
        self.assertEqual(len(self.fake_api.calls), 1)
        self._look_up("Fjordlys")
        self._look_up("  fjordlys ")
        self.assertEqual(len(self.fake_api.calls), 2)
        # dates survive the cache
        self._look_up("10150817")
        wizard = self._look_up("10150817")
        self.assertEqual(len(self.fake_api.calls), 3)
        self.assertEqual(wizard.line_ids.end_date, date(2021, 6, 30))

        # an answer older than the setting is asked again
        entry = (
            self.env["tracelink.cvr.cache"]
            .sudo()
            .search([("query_key", "=", "cvr:13585628")])
        )
        entry.fetched_at = fields.Datetime.now() - timedelta(hours=25)
        self._look_up("13585628")
        self.assertEqual(len(self.fake_api.calls), 4)
        self._look_up("13585628")
        self.assertEqual(len(self.fake_api.calls), 4)

        # no cache at all
        self.env["ir.config_parameter"].set_param("tracelink_cvr.cache_hours", "0")
        self._look_up("13585628")
        self._look_up("13585628")
        self.assertEqual(len(self.fake_api.calls), 6)

    def test_cache_is_per_service_address(self):
        """An answer of one address is not served for another (e.g. after the
        administrator moved the service), and a question has one row."""
        self._look_up("13585628")
        self.company.cvr_cvrapi_url = self.company.cvr_cvrapi_url.replace(
            "127.0.0.1", "localhost"
        )
        self._look_up("13585628")
        self.assertEqual(len(self.fake_api.calls), 2)
        Cache = self.env["tracelink.cvr.cache"].sudo()
        entries = Cache.search([("query_key", "=", "cvr:13585628")])
        self.assertEqual(len(entries), 2)
        self.assertEqual(len(set(entries.mapped("service_url"))), 2)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            entries[0].copy()

    def test_overlong_search_term_is_refused_before_any_call(self):
        self._assert_lookup_fails("Eksempel " * 12, "100 characters at most", calls=0)

    def test_cache_is_per_provider(self):
        self._look_up("13585628")
        self._use_virk()
        self._look_up("13585628")
        self.assertEqual(len(self.fake_api.calls), 1)
        self.assertEqual(len(self.fake_virk.calls), 1)

    def test_expired_answers_are_removed(self):
        Cache = self.env["tracelink.cvr.cache"].sudo()
        self._look_up("13585628")
        self._look_up("Fjordlys")
        old = Cache.search([("query_key", "=", "cvr:13585628")])
        old.fetched_at = fields.Datetime.now() - timedelta(days=3)
        Cache._gc_expired()
        self.assertFalse(old.exists())
        self.assertTrue(Cache.search([("query_key", "like", "name:%")]))

    # -- failures --------------------------------------------------------------

    def _assert_lookup_fails(self, term, message, calls=None, not_found=False):
        """The look-up raises a UserError with ``message`` and changes nothing
        but, with ``not_found``, the memory that the register knows no such
        company (removed again here)."""
        count = self._partner_count()
        form = Form(self.env["tracelink.cvr.customer.wizard"])
        form.search_term = term
        wizard = form.save()
        caught = self._raises(UserError, wizard.action_search)
        self.assertIn(message, str(caught))
        self.assertEqual(self._partner_count(), count)
        self.assertEqual(wizard.state, "search")
        self.assertFalse(wizard.line_ids)
        if calls is not None:
            self.assertEqual(
                len(self.fake_api.calls) + len(self.fake_virk.calls), calls
            )
        cached = self.env["tracelink.cvr.cache"].sudo().search([])
        if not_found:
            self.assertEqual(len(cached), 1)
            self.assertFalse(cached.answer)
            cached.unlink()
        else:
            self.assertFalse(cached)

    def test_invalid_cvr_number_is_refused_before_any_call(self):
        for term in ("13585627", "DK 1234 5678", "02756214", "1358562"):
            with self.subTest(term=term):
                self._assert_lookup_fails(term, "is not a valid CVR number", calls=0)

    def test_failures_in_the_users_language(self):
        """The one table of messages (lazy translations) speaks Danish to a
        Danish user, with the Danish settings path."""
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(["tracelink_cvr"], ["da_DK"])
        Api = self.env["tracelink.cvr.api"].with_context(lang="da_DK")
        with self.assertRaisesRegex(UserError, "“13585627” er ikke et gyldigt CVR"):
            Api._cvr_normalize("13585627")
        self.fake_api.set_mode("QUOTA_EXCEEDED")
        caught = self._raises(UserError, Api._cvr_get, "13585628")
        self.assertIn("kvoten er opbrugt", str(caught))
        self.assertIn(
            "Indstillinger > Generelle indstillinger > CVR-register", str(caught)
        )

    def test_register_failures_create_nothing(self):
        cases = [
            ("NOT_FOUND", "13585628", "has nothing matching “13585628”", 1),
            ("INVALID_UA", "13585628", "does not accept the User-Agent", 1),
            ("QUOTA_EXCEEDED", "13585628", "the quota is used up", 1),
            ("BANNED", "13585628", "has blocked look-ups", 1),
            ("INTERNAL_ERROR", "13585628", "cannot be reached right now", 1),
            ("INVALID_VAT", "13585628", "is not a valid CVR number", 1),
            ("http_502", "13585628", "cannot be reached right now", 3),
            ("invalid_json", "13585628", "could not be understood", 1),
            ("not_object", "Eksempel", "could not be understood", 1),
            ("missing_fields", "13585628", "could not be understood", 1),
        ]
        for mode, term, message, calls in cases:
            with self.subTest(mode=mode):
                self.fake_api.reset()
                self.fake_api.set_mode(mode)
                self._assert_lookup_fails(
                    term, message, calls=calls, not_found=mode == "NOT_FOUND"
                )

    def test_unknown_name_creates_nothing(self):
        self._assert_lookup_fails(
            "Findes Ikke Smedie", "Findes Ikke Smedie", calls=1, not_found=True
        )

    def test_unknown_company_is_remembered_for_an_hour(self):
        """A failed look-up spends quota too: a retry within the hour makes no
        call, even with a longer cache setting."""
        Api = self.env["tracelink.cvr.api"]

        def look_up():
            # Not in assertRaises: its savepoint would also undo what the
            # gateway kept in its own transaction.
            error = self._raises(UserError, Api._cvr_get, "29910251")
            self.assertIn("has nothing matching “29910251”", str(error))

        look_up()
        look_up()
        self.assertEqual(len(self.fake_api.calls), 1)
        entry = self.env["tracelink.cvr.cache"].sudo().search([])
        self.assertEqual(entry.query_key, "cvr:29910251")
        self.assertFalse(entry.answer)
        entry.fetched_at = fields.Datetime.now() - timedelta(minutes=61)
        look_up()
        self.assertEqual(len(self.fake_api.calls), 2)

    def test_company_under_bankruptcy_needs_explicit_confirmation(self):
        wizard = self._look_up("41000015")
        self.assertEqual(wizard.line_ids.status, "bankruptcy")
        wizard.action_confirm()
        self.assertEqual(wizard.state, "confirm_ceased")
        self.assertEqual(
            wizard.ceased_message,
            "Eksempel Byg Konkursbo ApS is “Under Bankruptcy” according to the "
            "CVR register. Use it as a customer anyway?",
        )
        self.assertFalse(self._partners_with_cvr("41000015"))
        wizard.action_confirm()
        self.assertEqual(wizard.partner_id.cvr_status, "bankruptcy")

    def test_timeout_creates_nothing(self):
        with patch.object(
            requests.adapters.HTTPAdapter,
            "send",
            side_effect=requests.exceptions.ReadTimeout("read timed out"),
        ):
            self._assert_lookup_fails(
                "13585628", "did not answer within 10 seconds", calls=0
            )

    def test_provider_down_creates_nothing(self):
        with patch.object(
            requests.adapters.HTTPAdapter,
            "send",
            side_effect=requests.exceptions.ConnectionError("refused"),
        ):
            self._assert_lookup_fails("13585628", "cannot be reached right now")

    def test_wrong_credentials_create_nothing(self):
        self._use_virk(password="forkert")
        self._assert_lookup_fails(
            "Eksempel", "refused the user name, password or token", calls=1
        )

    def test_missing_credentials_create_nothing(self):
        self.company.cvr_provider = "virk"
        self._assert_lookup_fails("Eksempel", "No user name and password", calls=0)

    # -- e-conomic extension point -------------------------------------------------

    def test_refusal_of_the_hook_creates_nothing(self):
        wizard = self._look_up("13585628")
        count = self._partner_count()
        with patch.object(
            type(self.env["res.partner"]),
            "_prepare_customer_from_cvr",
            side_effect=UserError("e-conomic: Kundegruppe 1 findes ikke."),
        ) as prepare:
            caught = self._raises(UserError, wizard.action_confirm)
        prepare.assert_called_once()
        self.assertEqual(str(caught), "e-conomic: Kundegruppe 1 findes ikke.")
        self.assertEqual(self._partner_count(), count)
        self.assertFalse(self._partners_with_cvr("13585628"))
        self.assertFalse(wizard.partner_id)
        self.assertEqual(wizard.state, "pick")

    def test_hook_adds_values(self):
        wizard = self._look_up("13585628")
        with patch.object(
            type(self.env["res.partner"]),
            "_prepare_customer_from_cvr",
            side_effect=lambda vals: dict(vals, ref="E-1042"),
        ) as prepare:
            wizard.action_confirm()
        [call] = prepare.call_args_list
        [vals] = call.args
        self.assertEqual(vals["vat"], "DK13585628")
        self.assertEqual(vals["company_registry"], "13585628")
        self.assertEqual(vals["name"], "Eksempel Maskinfabrik ApS")
        self.assertEqual(wizard.partner_id.ref, "E-1042")

    # -- access --------------------------------------------------------------------

    @users("tl_contacts")
    def test_contacts_user_uses_the_wizard(self):
        wizard = self._look_up("13585628")
        wizard.action_confirm()
        self.assertEqual(wizard.partner_id.company_registry, "13585628")
        self.assertEqual(wizard.partner_id.create_uid, self.user_contacts)
        with self.assertRaises(AccessError):
            self.env["tracelink.cvr.cache"].search([])

    def test_users_who_may_not_create_contacts_cannot_look_up(self):
        """An internal user without the right to create contacts opens the
        dialog, but the register is never asked."""
        wizard = (
            self.env["tracelink.cvr.customer.wizard"]
            .with_user(self.user_internal)
            .create({"search_term": "13585628"})
        )
        with self.assertRaisesRegex(AccessError, "may create contacts"):
            wizard.action_search()
        self.assertFalse(self.fake_api.calls)
        self.assertFalse(wizard.sudo().line_ids)


@tagged("post_install", "-at_install")
class TestCvrCustomerViews(TracelinkCvrCommon):
    """The buttons that open the wizard."""

    def test_button_on_contacts_list(self):
        action = self.env.ref("tracelink_cvr.tracelink_cvr_customer_wizard_action")
        arch = self.env["res.partner"].get_view(
            self.env.ref("base.view_partner_tree").id, "list"
        )["arch"]
        self.assertIn(f'name="{action.id}"', arch)
        self.assertIn('display="always"', arch)

    def test_button_on_contacts_kanban(self):
        action = self.env.ref("tracelink_cvr.tracelink_cvr_customer_wizard_action")
        arch = self.env["res.partner"].get_view(
            self.env.ref("base.res_partner_kanban_view").id, "kanban"
        )["arch"]
        self.assertIn(f'name="{action.id}"', arch)

    def test_refresh_button_on_partner_form(self):
        arch = self.env["res.partner"].get_view(
            self.env.ref("base.view_partner_form").id, "form"
        )["arch"]
        self.assertIn('name="action_refresh_from_cvr"', arch)

    def test_other_companys_settings_are_not_used(self):
        """A look-up runs with the settings (and credentials) of one of the
        user's own companies only."""
        other = self.env["res.company"].create(
            {
                "name": "Fremmed Selskab ApS",
                "email": "info@fremmed.example.dk",
                "cvr_cvrapi_url": self.cvr_server.url_for("/"),
            }
        )
        self.assertNotIn(other, self.user_contacts.company_ids)
        wizard = (
            self.env["tracelink.cvr.customer.wizard"]
            .with_user(self.user_contacts)
            .create({"search_term": "13585628", "company_id": other.id})
        )
        with self.assertRaisesRegex(AccessError, "you do not work for that company"):
            wizard.action_search()
        self.assertEqual(self.fake_api.calls, [])
        # the same user, with the company they work for, looks up as usual
        wizard.company_id = self.company
        wizard.action_search()
        self.assertEqual(len(self.fake_api.calls), 1)
