"""The stored status again, for rows the upgrade's data files changed (see
tracelink_crm.upgrade); Odoo drops the columns of the fields that went
(``is_probability_manual``, ``stage_before_close_id``)."""

from odoo.addons.tracelink_crm import upgrade


def migrate(cr, version):
    if not version:
        return
    upgrade.fill_status(cr)
    upgrade.drop_old_indexes(cr)
