from . import (
    crm_lead,
    crm_lead_line,
    mrp_production,
    product_product,
    sale_order,
    sale_order_line,
)
