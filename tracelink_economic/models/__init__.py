from . import res_partner, tracelink_economic_connection
