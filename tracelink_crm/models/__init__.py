# The gateways' shared base first: the others inherit it, and some modules
# below import the CVR gateway's constants (which defines its model).
from . import tracelink_api  # isort: skip
from . import (
    crm_lead,
    crm_stage,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    tracelink_cvr_api,
    tracelink_cvr_cache,
    tracelink_cvr_lookup,
    tracelink_economic_api,
)
