from odoo.tests import HttpCase

from .common import TracelinkCrmCommon
from .stand_ins.fake_cvr import FakeCvrApi, FakeVirk, start_fake_server


class TracelinkCvrCommon(TracelinkCrmCommon):
    """The tracelink_crm fixtures plus local stand-ins for cvrapi.dk and the
    CVR distribution, which the company's CVR settings point at.

    ``fake_api`` / ``fake_virk`` record the requests they receive and can be
    told to answer errors (see ``stand_ins/fake_cvr.py``).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
                "cvr_cache_hours": 24,
            }
        )

    def setUp(self):
        super().setUp()
        self.fake_api.reset()
        self.fake_virk.reset()

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
