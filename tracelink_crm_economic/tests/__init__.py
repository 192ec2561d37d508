from . import test_crm_lead_invoice, test_crm_lead_invoice_tour
