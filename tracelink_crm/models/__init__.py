from . import crm_lead, crm_stage, sale_order
