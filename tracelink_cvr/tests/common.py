from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user

from .stand_ins.fake_cvr import FakeCvrApi, FakeVirk, start_fake_server


def cron_progress(env, cron_method):
    """Call ``cron_method`` (one call of a scheduled action) and return the
    ``(done, remaining)`` it reported to ``ir.cron._notify_progress``, which
    it must report once."""
    IrCron = type(env["ir.cron"])
    notify = IrCron._notify_progress
    reported = []

    def spy(cron_self, *, done, remaining, deactivate=False):
        reported.append((done, remaining))
        return notify(cron_self, done=done, remaining=remaining, deactivate=deactivate)

    with patch.object(IrCron, "_notify_progress", spy):
        cron_method()
    [progress] = reported
    return progress


class CvrStandIns:
    """Local stand-ins for cvrapi.dk and the CVR distribution, which the CVR
    settings of ``cls.company`` point at: mixed into a test class whose
    ``setUpClass`` calls ``_start_cvr_stand_ins()``.

    ``fake_api`` / ``fake_virk`` record the requests they receive and can be
    told to answer errors (see ``stand_ins/fake_cvr.py``).
    """

    @classmethod
    def _start_cvr_stand_ins(cls):
        if not issubclass(cls, HttpCase):  # HttpCase does it itself
            # The gateway remembers an unknown company in a cursor of its own
            # (it must outlive the UserError's rollback); in tests that
            # cursor works inside the test's transaction.
            cls.registry.enter_test_mode(cls.cr)
            cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.fake_api = FakeCvrApi()
        cls.fake_virk = FakeVirk()
        cls.cvr_server = start_fake_server(cls.fake_api, cls.fake_virk)
        cls.addClassCleanup(cls.cvr_server.stop)
        base_url = cls.cvr_server.url_for("/")
        cls.company.write(
            {
                "email": "salg@tracelink-test.example.dk",
                "cvr_provider": "cvrapi",
                "cvr_cvrapi_url": base_url,
                "cvr_cvrapi_user_agent": False,
                "cvr_cvrapi_token": False,
                "cvr_virk_url": base_url,
                "cvr_virk_username": False,
                "cvr_virk_password": False,
                "cvr_timeout": 10,
            }
        )
        ICP = cls.env["ir.config_parameter"].sudo()
        ICP.set_param("tracelink_cvr.cache_hours", "24")
        ICP.set_param("tracelink_cvr.lookup_limit", "30")

    def setUp(self):
        super().setUp()
        for fake in (self.fake_api, self.fake_virk):
            fake.reset()
            self.addCleanup(fake.restore)

    def _use_virk(self, password=None):
        self.company.write(
            {
                "cvr_provider": "virk",
                "cvr_virk_username": self.fake_virk.username,
                "cvr_virk_password": password or self.fake_virk.password,
            }
        )

    def _partners_with_cvr(self, cvr):
        return (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("company_registry", "=", cvr), ("vat", "=", f"DK{cvr}")])
        )


class TracelinkCvrCommon(CvrStandIns, TransactionCase):
    """A company whose CVR settings point at the stand-ins, and the users
    who may (or may not) look companies up. Nothing here relies on demo
    data or on other addons than tracelink_cvr's dependencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        # the rights of an ordinary contacts user: internal, may create contacts
        cls.user_contacts = new_test_user(
            cls.env,
            login="tl_contacts",
            name="Karin Kontakt",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.user_internal = new_test_user(
            cls.env, login="tl_internal", name="Ivan Intern", groups="base.group_user"
        )
        cls.user_portal = new_test_user(
            cls.env, login="tl_portal", name="Pia Portal", groups="base.group_portal"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Herning Stål A/S", "is_company": True}
        )
        cls._start_cvr_stand_ins()


class OwnDialogsCases:
    """Dialog rows belong to the user who opened them: mixed into a test
    class whose ``setUpClass`` sets ``dialogs`` (row -> values to write),
    ``dialog_owner`` and ``dialog_others`` (users, administrators included,
    who can neither find, read nor change them over RPC)."""

    # Odoo's loader runs the test methods a class defines itself, unless told
    allow_inherited_tests_method = True

    def test_owner_uses_own_dialogs(self):
        for dialog, vals in self.dialogs.items():
            mine = dialog.with_user(self.dialog_owner)
            self.assertEqual(mine.search([("id", "=", dialog.id)]), mine)
            mine.read(["create_uid"])
            mine.write(vals)

    def test_other_users_cannot_reach_dialogs(self):
        for user in self.dialog_others:
            for dialog, vals in self.dialogs.items():
                with self.subTest(user=user.login, model=dialog._name):
                    theirs = dialog.with_user(user)
                    self.assertFalse(theirs.search([("id", "=", dialog.id)]))
                    with self.assertRaises(AccessError):
                        theirs.read(["create_uid"])
                    with self.assertRaises(AccessError):
                        theirs.write(vals)
