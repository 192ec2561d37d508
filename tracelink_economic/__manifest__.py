{
    "name": "Tracelink e-conomic",
    "summary": "The e-conomic connection: customers found or created in "
    "e-conomic, imported every hour and linked per company; sale orders "
    "drafted as invoices and their payment read back",
    "version": "18.0.1.1.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/tracelink/tracelink_crm",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": [
        # New CVR customer creates the customer in e-conomic first
        "tracelink_cvr",
        # sale orders become invoice drafts in e-conomic; the sales and
        # accounting groups decide who may send them and create customers
        "sale",
    ],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/tracelink_economic_security.xml",
        "data/ir_cron_data.xml",
        "views/tracelink_economic_connection_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/tracelink_economic_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "tracelink_economic/static/tests/tours/*.js",
        ],
    },
    "images": [
        "static/description/economic_connection.png",
    ],
    "application": False,
    "installable": True,
}
