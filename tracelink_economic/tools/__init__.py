# Plain Python of tracelink_economic: the e-conomic REST client and the pure
# mapping between e-conomic customers and partner data, on tracelink_cvr's
# HTTP base and typed exceptions. Nothing here needs Odoo's ORM, so it is
# tested without Odoo (see the top-level tests/).
