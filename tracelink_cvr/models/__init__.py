# The gateways' shared base first: the CVR gateway inherits it, and some
# modules below import the CVR gateway's constants (which defines its model).
from . import tracelink_api  # isort: skip
from . import (
    res_company,
    res_config_settings,
    res_partner,
    tracelink_cvr_api,
    tracelink_cvr_cache,
    tracelink_cvr_lookup,
)
