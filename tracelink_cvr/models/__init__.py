from . import (
    res_company,
    res_config_settings,
    res_partner,
    tracelink_api,
    tracelink_cvr_api,
    tracelink_cvr_cache,
    tracelink_cvr_change,
    tracelink_cvr_lookup,
    tracelink_cvr_watch,
)
