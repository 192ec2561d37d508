from . import (
    test_cvr_customer_tour,
    test_cvr_customer_wizard,
    test_cvr_partner_api,
    test_cvr_partner_refresh,
    test_cvr_settings,
    test_cvr_watch,
    test_res_company_access,
    test_wizard_access,
)
