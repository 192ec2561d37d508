from . import (
    test_crm_lead_lines,
    test_crm_lead_production,
    test_crm_lead_production_tour,
)
