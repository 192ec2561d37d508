from . import (
    crm_lead,
    crm_stage,
    ir_module_module,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
)
