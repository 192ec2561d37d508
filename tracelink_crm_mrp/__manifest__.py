{
    "name": "Tracelink CRM Manufacturing",
    "summary": "Product lines on cases; converting a won case starts "
    "manufacturing and the case follows its production",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": [
        "tracelink_crm",
        "sale_mrp",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/tracelink_crm_mrp_security.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "wizard/crm_lead_plain_order_wizard_views.xml",
    ],
    "demo": [
        "demo/mrp_demo.xml",
        "demo/crm_lead_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "tracelink_crm_mrp/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "images": [
        "static/description/case_production.png",
    ],
    "application": False,
    "installable": True,
}
