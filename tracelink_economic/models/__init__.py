from . import (
    res_partner,
    sale_order,
    tracelink_economic_connection,
    tracelink_economic_layout,
)
