{
    "name": "Tracelink CVR Register",
    "summary": "Danish companies from the CVR register: New CVR customer, "
    "Refresh from CVR and a look-up for other systems, on any contact",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    # No CRM, no Sales: a Danish company keeping only its contacts uses it.
    "depends": ["base", "contacts", "mail"],
    # openupgradelib: taking the register over from tracelink_crm 18.0.1.x
    "external_dependencies": {
        "python": ["python-stdnum", "requests", "openupgradelib"]
    },
    "data": [
        "security/ir.model.access.csv",
        "security/tracelink_cvr_security.xml",
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        # the wizard's action is used by the partner views
        "wizard/cvr_customer_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/tracelink_cvr_change_views.xml",
        "views/tracelink_cvr_menus.xml",
    ],
    "assets": {
        "web.assets_backend": ["tracelink_cvr/static/src/cvr_customer_button/*"],
        "web.assets_tests": ["tracelink_cvr/static/tests/tours/*.js"],
    },
    "images": ["static/description/cvr_customer.png"],
    "pre_init_hook": "pre_init_hook",
    "application": False,
    "installable": True,
}
