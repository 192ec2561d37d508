# Local stand-ins for the CVR register (cvrapi.dk and the CVR distribution),
# used by the Odoo tests of tracelink_cvr and of the addons built on it, the
# tests without Odoo (../../../tests) and the benchmarks. Not part of the
# product: nothing outside tests imports them.
