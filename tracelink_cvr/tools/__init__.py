# Plain Python, no Odoo (tested in the top-level tests/): the HTTP base and
# typed exceptions shared with tracelink_economic, CVR numbers, the clients.
