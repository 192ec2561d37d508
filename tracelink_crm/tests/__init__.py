from . import (
    test_crm_lead_access,
    test_crm_lead_form,
    test_crm_lead_http,
    test_crm_lead_overdue,
    test_crm_lead_performance,
    test_crm_lead_status,
    test_crm_lead_tabs,
    test_crm_lead_traceability,
)
