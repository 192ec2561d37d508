from . import (
    crm_lead_convert_order_wizard,
    crm_lead_convert_status_wizard,
    crm_winloss_wizard,
    cvr_customer_wizard,
)
