from . import crm_lead_plain_order_wizard
