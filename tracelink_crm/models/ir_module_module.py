from odoo import models
from odoo.tools import OrderedSet, file_path
from odoo.tools.translate import TranslationImporter


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        # Tracelink's words for CRM's own terms (i18n_vocabulary/: Sag and
        # Status, not Salgsmulighed and Fase) replace CRM's Danish ones. A
        # module's .po never overwrites another module's translations, and no
        # public hook follows the loading of translations: so they are loaded
        # again, forced, after each load of this addon's terms (its install and
        # update, a language installed later).
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "tracelink_crm" not in modules:
            return res
        importer = TranslationImporter(self.env.cr, verbose=False)
        loaded = False
        for lang in langs:
            for name in OrderedSet([lang.split("_")[0], lang]):
                try:
                    path = file_path(f"tracelink_crm/i18n_vocabulary/{name}.po")
                except FileNotFoundError:
                    continue
                importer.load_file(path, lang)
                loaded = True
        if loaded:
            importer.save(force_overwrite=True)
        return res
