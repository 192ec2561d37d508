{
    "name": "Tracelink CRM e-conomic",
    "summary": "The invoice state of each case's order from e-conomic: on the "
    "case, in the case list, and the paid value per customer",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": [
        "tracelink_crm",
        "tracelink_economic",
    ],
    "data": [
        "views/crm_lead_views.xml",
        "reports/crm_case_report_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "tracelink_crm_economic/static/tests/tours/*.js",
        ],
    },
    "auto_install": True,
    "application": False,
    "installable": True,
}
