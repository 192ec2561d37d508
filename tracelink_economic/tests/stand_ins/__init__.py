# A local stand-in for e-conomic's REST API, used by the Odoo tests of
# tracelink_economic, the tests without Odoo (../../../tests) and the
# benchmarks. Not part of the product: nothing outside tests imports it.
