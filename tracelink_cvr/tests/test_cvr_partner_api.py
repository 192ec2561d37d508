import xmlrpc.client

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import TracelinkCvrCommon


@tagged("post_install", "-at_install")
class TestCvrPartnerApi(TracelinkCvrCommon):
    """res.partner.tracelink_find_or_create_from_cvr: the wizard's rules for
    other systems, through the caller's own rights."""

    def _call(self, user, *args, **kwargs):
        Partner = self.env["res.partner"].with_user(user)
        return Partner.tracelink_find_or_create_from_cvr(*args, **kwargs)

    def test_contacts_user_creates_then_reuses(self):
        partner_id = self._call(self.user_contacts, "DK 1358 5628")
        partner = self.env["res.partner"].browse(partner_id)
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "Eksempel Maskinfabrik ApS",
                    "company_registry": "13585628",
                    "vat": "DK13585628",
                    "cvr_status": "active",
                    "is_company": True,
                }
            ],
        )
        self.assertEqual(self._call(self.user_contacts, "13585628"), partner_id)
        self.assertEqual(len(self.fake_api.calls), 1)

    def test_existing_partner_is_reused_without_look_up(self):
        existing = self.env["res.partner"].create(
            {"name": "Maskinfabrikken", "is_company": True, "vat": "DK 13 58 56 28"}
        )
        self.assertEqual(self._call(self.user_contacts, "13585628"), existing.id)
        self.assertFalse(self.fake_api.calls)

    def test_company_not_active_needs_the_flag(self):
        with self.assertRaisesRegex(UserError, "confirm_ceased=True"):
            self._call(self.user_contacts, "10150817")
        self.assertFalse(self._partners("10150817"))
        partner_id = self._call(self.user_contacts, "10150817", confirm_ceased=True)
        self.assertEqual(self._partners("10150817").id, partner_id)
        with self.assertRaisesRegex(UserError, "Under Bankruptcy"):
            self._call(self.user_contacts, "41000015")

    def test_invalid_number_is_refused_before_any_call(self):
        with self.assertRaisesRegex(UserError, "is not a valid CVR number"):
            self._call(self.user_contacts, "13585627")
        self.assertFalse(self.fake_api.calls)

    def test_only_users_who_may_create_contacts(self):
        for user in (self.user_portal, self.user_internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._call(user, "13585628")
        self.assertFalse(self.fake_api.calls)
        self.assertFalse(self._partners("13585628"))

    def _partners(self, cvr):
        return self.env["res.partner"].search([("company_registry", "=", cvr)])


@tagged("post_install", "-at_install")
class TestCvrPartnerApiXmlRpc(HttpCase, TracelinkCvrCommon):
    """The API over XML-RPC, as another system calls it."""

    def _rpc(self, login, *args):
        user = self.env["res.users"].search([("login", "=", login)])
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            login,
            "res.partner",
            "tracelink_find_or_create_from_cvr",
            list(args),
        )

    def test_contacts_user_over_xmlrpc(self):
        partner_id = self._rpc("tl_contacts", "DK13585628")
        self.assertEqual(
            self.env["res.partner"].browse(partner_id).company_registry, "13585628"
        )
        self.assertEqual(self._rpc("tl_contacts", "13585628"), partner_id)
        self.assertEqual(len(self.fake_api.calls), 1)

    def test_portal_user_over_xmlrpc_is_refused(self):
        with (
            self.assertRaisesRegex(
                xmlrpc.client.Fault, "may create contacts"
            ) as caught,
            mute_logger("odoo.http"),
        ):
            self._rpc(self.user_portal.login, "13585628")
        self.assertEqual(caught.exception.faultCode, 4)  # Odoo's AccessError
        self.assertFalse(self.fake_api.calls)
