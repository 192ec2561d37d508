from . import (
    test_economic_companies,
    test_economic_customer,
    test_economic_import,
    test_economic_settings,
    test_res_company_access,
)
