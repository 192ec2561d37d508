"""Lost cases become Odoo's lost cases (see tracelink_crm.upgrade)."""

from odoo.addons.tracelink_crm import upgrade


def migrate(cr, version):
    if not version:
        return
    upgrade.lose_cases_in_lost_status(cr)
    upgrade.keep_automated_probabilities(cr)
    upgrade.fill_status(cr)
    upgrade.drop_case_indexes(cr)
