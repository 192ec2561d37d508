from . import cvr_customer_wizard
