from . import (
    test_economic_companies,
    test_economic_connection,
    test_economic_connection_tour,
    test_economic_customer,
    test_economic_cvr_customer,
    test_economic_import,
    test_economic_import_run,
    test_economic_invoice,
    test_economic_webhook,
)
