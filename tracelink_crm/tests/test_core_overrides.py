from odoo.tests import TransactionCase, tagged

# The private methods of Odoo's own models, mixins and ORM that the Tracelink
# addons override, each for a reason README's Layout section gives, with a
# test that fails when the core behaviour it relies on changes. Core's
# extension hooks (value builders and the methods named below) do not count.
OVERRIDES = {
    ("crm.lead", "_mail_track"),
    ("crm.lead", "_merge_opportunity"),
    ("crm.lead", "_order_field_to_sql"),
    ("tracelink.crm.case.report", "_read_group_format_result"),
}
HOOKS = {
    "_action_cancel",
    "_action_confirm",
    "_commercial_fields",
    "_compute_display_name",
    "_get_confirmation_template",
    "_track_subtype",
}


def _overrides(registry):
    """(model, method) of each private method a Tracelink class defines over
    one that Odoo's own classes define for that model."""
    found = set()
    for model in registry:
        mro = registry[model].__mro__
        for index, cls in enumerate(mro):
            if not (getattr(cls, "_module", None) or "").startswith("tracelink"):
                continue
            for name, value in vars(cls).items():
                if (
                    not name.startswith("_")
                    or name.startswith("__")
                    or not callable(value)
                    or name in HOOKS
                    or name.startswith("_prepare_")
                ):
                    continue
                if any(
                    name in vars(parent) and _is_core(parent)
                    for parent in mro[index + 1 :]
                ):
                    found.add((model, name))
    return found


def _is_core(cls):
    module = getattr(cls, "_module", None)
    if module is not None:
        return not module.startswith("tracelink")
    return cls.__module__.startswith("odoo.")


@tagged("post_install", "-at_install")
class TestCoreOverrides(TransactionCase):
    def test_at_most_four_core_private_overrides(self):
        found = _overrides(self.env.registry)
        self.assertLessEqual(found, OVERRIDES, "undocumented core overrides")
        self.assertLessEqual(len(OVERRIDES), 4)

    def test_an_override_of_a_core_private_method_is_seen(self):
        found = _overrides(self.env.registry)
        self.assertIn(("crm.lead", "_merge_opportunity"), found)
        # a hook made for extension is overridden too, and not counted
        ours = [
            cls
            for cls in type(self.env["sale.order"]).__mro__
            if getattr(cls, "_module", None) == "tracelink_crm"
        ]
        self.assertTrue(any("_get_confirmation_template" in vars(c) for c in ours))
        self.assertNotIn(("sale.order", "_get_confirmation_template"), found)
