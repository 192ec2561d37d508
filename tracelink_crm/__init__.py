from odoo.tools import SQL

from . import models, reports, wizard
from .models.crm_lead import INDEXES


def uninstall_hook(env):
    """crm_lead outlives the addon: drop the indexes the addon gave it."""
    for name in INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
