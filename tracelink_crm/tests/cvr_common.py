from odoo.addons.tracelink_cvr.tests.common import CvrStandIns

from .common import TracelinkCrmCommon


class TracelinkCrmCvrCommon(CvrStandIns, TracelinkCrmCommon):
    """The tracelink_crm fixtures plus tracelink_cvr's stand-ins for
    cvrapi.dk and the CVR distribution, which the company's CVR settings
    point at."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_cvr_stand_ins()
