# Plain Python helpers of tracelink_cvr, also used by tracelink_economic: the
# shared HTTP base, typed exceptions, CVR numbers and the CVR register's
# clients. Nothing in this package needs Odoo, so it is tested without Odoo
# (see the top-level tests/).
