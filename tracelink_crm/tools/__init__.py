# Plain Python helpers of tracelink_crm: HTTP clients for the CVR register and
# e-conomic, their typed exceptions and pure mapping functions. Nothing in this
# package imports odoo, so it is tested without Odoo (see the top-level tests/).
