from . import (
    crm_lead,
    crm_stage,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
