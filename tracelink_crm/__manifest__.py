{
    "name": "Tracelink CRM",
    "summary": "CRM cases with fixed Won/Lost statuses, weighted pipeline, "
    "follow-up dates and order tabs for Danish manufacturers",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "license": "LGPL-3",
    "depends": [
        "contacts",
        "mail",
        "crm",
        "sale_management",
        "sale_crm",
    ],
    "external_dependencies": {"python": ["python-stdnum", "requests"]},
    "data": [
        "security/ir.model.access.csv",
        "data/crm_stage_data.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "views/tracelink_crm_menus.xml",
    ],
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "tracelink_crm/static/tests/tours/*.js",
        ],
    },
    "application": False,
    "installable": True,
}
