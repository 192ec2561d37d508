from odoo.tools import SQL
from odoo.tools.translate import TranslationImporter, get_po_paths

from . import models, reports, wizard
from .models.crm_lead import INDEXES


def post_init_hook(env):
    """Sag and Status over CRM's Danish words already in the database
    (i18n_extra/): Odoo never loads a module's terms over existing ones."""
    importer = TranslationImporter(env.cr, verbose=False)
    for lang, _name in env["res.lang"].get_installed():
        for path in get_po_paths("tracelink_crm", lang):
            if "i18n_extra" in path:
                importer.load_file(path, lang)
    importer.save(force_overwrite=True)


def uninstall_hook(env):
    """crm_lead outlives the addon: drop the indexes the addon gave it."""
    for name in INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
