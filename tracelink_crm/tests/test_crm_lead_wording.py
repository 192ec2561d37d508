from odoo.tests import HttpCase, tagged

from odoo.addons.tracelink_crm import post_init_hook

from .common import TracelinkCrmCommon


class CaseWordingCommon(TracelinkCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("da_DK")
        # Odoo's Danish for CRM and this addon's, loaded together as when
        # Danish is installed after the addon
        cls.env["ir.module.module"]._load_module_terms(
            ["mail", "crm", "tracelink_crm"], ["da_DK"]
        )
        cls.user_salesman.write({"lang": "da_DK", "tour_enabled": False})


@tagged("post_install", "-at_install")
class TestCrmLeadWording(CaseWordingCommon):
    """Sag and Status in Danish wherever Odoo's CRM says Salgsmulighed and
    Fase on a case screen."""

    def test_case_fields_and_chatter_subtypes_speak_tracelink(self):
        Lead = self.env["crm.lead"].with_context(lang="da_DK")
        labels = Lead.fields_get(["name", "stage_id"], ["string"])
        self.assertEqual(labels["name"]["string"], "Sag")
        self.assertEqual(labels["stage_id"]["string"], "Status")
        Subtype = self.env["mail.message.subtype"].with_context(lang="da_DK")
        for xmlid, words in (
            ("crm.mt_lead_create", "Sag oprettet"),
            ("crm.mt_lead_stage", "Status ændret"),
            ("crm.mt_lead_won", "Sag vundet"),
            ("crm.mt_lead_lost", "Sag tabt"),
        ):
            subtype = Subtype.browse(self.env.ref(xmlid).id)
            self.assertEqual((subtype.name, subtype.description), (words, words))

    def test_installed_over_crm_danish_speaks_tracelink(self):
        """CRM's Danish words already in the database (Danish installed
        before the addon) give way to Sag and Status when the addon is
        installed; loading CRM's Danish again (crm updated) keeps them."""
        label = self.env.ref("crm.field_crm_lead__stage_id")
        label.update_field_translations("field_description", {"da_DK": "Fase"})
        subtype = self.env.ref("crm.mt_lead_create")
        subtype.update_field_translations("name", {"da_DK": "Oprettet"})
        post_init_hook(self.env)
        self.env["ir.module.module"]._load_module_terms(["crm"], ["da_DK"])
        labels = (
            self.env["crm.lead"].with_context(lang="da_DK").fields_get(["stage_id"])
        )
        self.assertEqual(labels["stage_id"]["string"], "Status")
        self.assertEqual(subtype.with_context(lang="da_DK").name, "Sag oprettet")


@tagged("post_install", "-at_install")
class TestCrmLeadWordingTour(HttpCase, CaseWordingCommon):
    def test_case_screen_wording_in_danish(self):
        """A Danish salesperson reads Sag oprettet, a Status change and Sag in
        the required-field message."""
        self.env["crm.stage"].create({"name": "Ordlyd tilbud", "sequence": 3})
        self._create_case(name="Ordlyd sag")
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_wording_tour",
            login=self.user_salesman.login,
        )
