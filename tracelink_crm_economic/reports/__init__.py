from . import crm_case_report
