{
    "name": "Tracelink CRM",
    "summary": "CRM cases with fixed Won/Lost statuses, weighted pipeline, "
    "follow-up dates and order tabs for Danish manufacturers",
    "version": "18.0.3.2.0",
    "category": "Sales/CRM",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": [
        "crm",
        "sale_management",
        "sale_crm",
        # the order confirmation of a conversion is e-mailed in the background
        "sale_async_emails",
        # the case list hides its SMS row button with Odoo's others
        "crm_sms",
        # New CVR customer next to a case's customer
        "tracelink_cvr",
        # their paid lead enrichment (Enrich) and lead mining (Generate Leads)
        # are hidden on cases; auto-installed with CRM anyway
        "crm_iap_enrich",
        "crm_iap_mine",
    ],
    # openupgradelib: the migration from the one-addon release 18.0.1.x
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "security/ir.model.access.csv",
        "security/tracelink_crm_security.xml",
        "data/crm_stage_data.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "wizard/cvr_customer_wizard_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/tracelink_crm_menus.xml",
        "wizard/crm_winloss_wizard_views.xml",
        "reports/crm_case_report_views.xml",
        # order conversion and order confirmation
        "data/product_data.xml",
        "reports/report_templates.xml",
        "reports/sale_order_reports.xml",
        "reports/sale_order_templates.xml",
        "data/mail_template_data.xml",
        "wizard/crm_lead_convert_order_wizard_views.xml",
        # the CVR watch on cases and orders
        "wizard/crm_lead_convert_status_wizard_views.xml",
        "views/cvr_watch_views.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "tracelink_crm/static/src/case_form/*",
            "tracelink_crm/static/src/case_report/*",
            "tracelink_crm/static/src/case_kanban/*",
            "tracelink_crm/static/src/case_list/*",
        ],
        # with Odoo's graph view, which the web client loads when first needed
        "web.assets_backend_lazy": [
            "tracelink_crm/static/src/case_graph/*",
        ],
        "web.assets_tests": [
            "tracelink_crm/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "images": [
        "static/description/cases.png",
        "static/description/case_tabs.png",
        "static/description/statuses.png",
        "static/description/customers.png",
        "static/description/order_confirmation.png",
    ],
    "application": False,
    "installable": True,
}
