# Local stand-ins for the outside services (CVR register, e-conomic), used by
# the Odoo tests of this folder, the tests without Odoo (../../../tests) and
# the benchmarks. Not part of the product: nothing outside tests imports them.
