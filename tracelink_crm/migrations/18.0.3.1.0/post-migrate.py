"""The pipeline's and the follow-up date's indexes go (see tracelink_crm.upgrade)."""

from odoo.addons.tracelink_crm import upgrade


def migrate(cr, version):
    if version:
        upgrade.drop_old_indexes(cr)
