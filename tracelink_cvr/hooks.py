"""The CVR register was part of tracelink_crm up to 18.0.1.1.0. Its upgrade
installs this addon first (a new dependency): the register's models, fields
and records pass to it here, before its models load, by renaming external
ids; tables, columns and rows stay, ``noupdate`` records are not made twice.
"""

from openupgradelib import openupgrade

# tracelink_crm 18.0.1.1.0 defined all of these; tracelink_cvr does now.
_MODELS = (
    "tracelink.api",
    "tracelink.cvr.api",
    "tracelink.cvr.cache",
    "tracelink.cvr.lookup",
    "tracelink.cvr.customer.wizard.line",
)
_PARTNER_FIELDS = (
    "cvr_industry_code",
    "cvr_industry_text",
    "cvr_legal_form",
    "cvr_status",
    "cvr_protected",
    "cvr_lookup_date",
    "cvr_provider",
)
_COMPANY_FIELDS = (
    "cvr_provider",
    "cvr_cvrapi_url",
    "cvr_cvrapi_user_agent",
    "cvr_cvrapi_token",
    "cvr_virk_url",
    "cvr_virk_username",
    "cvr_virk_password",
    "cvr_timeout",
)
_FIELDS = {
    "res.partner": _PARTNER_FIELDS,
    "res.users": _PARTNER_FIELDS,
    "res.company": _COMPANY_FIELDS,
    # the cache life and look-up limit: for the whole database now
    # (tracelink_crm's migration moves their values to system parameters)
    "res.config.settings": (*_COMPANY_FIELDS, "cvr_cache_hours", "cvr_lookup_limit"),
}
# The wizard is this addon's; tracelink_crm keeps its model id and lead_id.
_WIZARD = "tracelink.cvr.customer.wizard"
_WIZARD_FIELDS_KEPT = ("lead_id",)
_RECORDS = (
    "access_tracelink_cvr_cache_system",
    "access_tracelink_cvr_lookup_system",
    "constraint_tracelink_cvr_cache_question_uniq",
    "model_inherit__tracelink_cvr_api__tracelink_api",
    "tracelink_cvr_customer_wizard_action",
    "tracelink_cvr_customer_wizard_rule_own",
    "tracelink_cvr_customer_wizard_line_rule_own",
)
_OLD = "tracelink_crm"
_NEW = "tracelink_cvr"


def pre_init_hook(env):
    """Take the CVR register over from tracelink_crm 18.0.1.x, when the
    database has it (a new database has nothing to take over)."""
    cr = env.cr
    if not env["ir.model.data"].search_count(
        [("module", "=", _OLD), ("name", "=", "model_tracelink_cvr_cache")]
    ):
        return
    for model in _MODELS:
        openupgrade.update_module_moved_models(cr, model, _OLD, _NEW)
        _move_selections(env, [("field_id.model", "=", model)])
    wizard_fields = env["ir.model.fields"].search(
        [("model", "=", _WIZARD), ("name", "not in", _WIZARD_FIELDS_KEPT)]
    )
    for model, names in {**_FIELDS, _WIZARD: wizard_fields.mapped("name")}.items():
        openupgrade.update_module_moved_fields(cr, model, list(names), _OLD, _NEW)
        _move_selections(
            env, [("field_id.model", "=", model), ("field_id.name", "in", names)]
        )
    openupgrade.rename_xmlids(
        cr, [(f"{_OLD}.{name}", f"{_NEW}.{name}") for name in _RECORDS]
    )


def _move_selections(env, fields_domain):
    """The external ids of moved selection values follow their fields
    (openupgradelib moves the fields' only)."""
    selections = env["ir.model.fields.selection"].search(fields_domain)
    env["ir.model.data"].search(
        [
            ("model", "=", "ir.model.fields.selection"),
            ("res_id", "in", selections.ids),
            ("module", "=", _OLD),
        ]
    ).write({"module": _NEW})
