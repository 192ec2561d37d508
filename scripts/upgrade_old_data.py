# ruff: noqa: F821
"""The data of the upgrade test (scripts/test_upgrade.sh), made through the
ORM of release 18.0.1.1.0, when tracelink_crm was one addon: piped into
`odoo-bin shell` of that release's code (`env` is the shell's).

Two companies with their own settings (CVR register, e-conomic, orders from
cases), an e-conomic import under way in the first, the scheduled import at
a timing of its own; companies with CVR data
and e-conomic customer numbers, own ones in each company and one shared
contact numbered in both; open, Won, Lost and archived cases in both
companies, Won ones converted to orders; the CVR cache and look-up counts.
Everything is fixed (no "now") so that two runs make the same figures.
"""

from datetime import date, datetime

env = env(context=dict(env.context, tracking_disable=False))
main = env.ref("base.main_company")
eur = env.ref("base.EUR")
eur.active = True
second = env["res.company"].create({"name": "Tracelink Upgrade B ApS"})
env.user.company_ids |= second
env = env(context=dict(env.context, allowed_company_ids=[main.id, second.id]))
main, second = main.with_env(env), second.with_env(env)

# --- settings per company ------------------------------------------------------
main.sudo().write(
    {
        "cvr_provider": "virk",
        "cvr_cvrapi_url": "https://cvrapi.example.dk",
        "cvr_cvrapi_user_agent": "Tracelink CRM - upgrade test - it@example.dk",
        "cvr_cvrapi_token": "cvrapi-token-a",
        "cvr_virk_url": "https://distribution.example.dk",
        "cvr_virk_username": "virk-user-a",
        "cvr_virk_password": "virk-password-a",
        "cvr_timeout": 12,
        "cvr_cache_hours": 48,
        "cvr_lookup_limit": 40,
        "economic_enabled": True,
        "economic_base_url": "https://restapi.example.com",
        "economic_app_secret_token": "app-secret-a",
        "economic_agreement_grant_token": "grant-a",
        "economic_timeout": 45,
        "economic_customer_group": 2,
        "economic_payment_terms": 3,
        "economic_vat_zone": 4,
        "economic_vat_zone_eu": 5,
        "economic_vat_zone_abroad": 6,
        "economic_currency_id": eur.id,
        # the last completed import, then a run under way: 3 pages landed
        "economic_last_import": datetime(2026, 11, 30, 8, 0, 0),
        "economic_import_started": datetime(2026, 12, 1, 9, 0, 0),
        "economic_import_page": 3,
        "economic_import_last_number": 3000,
        "economic_import_created": 7,
        "economic_import_updated": 11,
        "economic_import_unchanged": 2980,
        "economic_import_skipped": 2,
        "economic_import_notes": "Customer 17: no name\nCustomer 18: no name",
        "economic_import_error": "e-conomic did not answer within 45 seconds.",
        "tracelink_order_auto_send": False,
    }
)
# The second company used e-conomic once and turned it off again.
second.sudo().write(
    {
        "cvr_provider": "cvrapi",
        "cvr_cvrapi_user_agent": "Tracelink CRM - upgrade test - b@example.dk",
        "cvr_timeout": 7,
        "cvr_cache_hours": 12,
        "cvr_lookup_limit": 5,
        "economic_enabled": False,
        "economic_app_secret_token": "app-secret-b",
        "economic_agreement_grant_token": "grant-b",
        "economic_timeout": 20,
        "economic_last_import": datetime(2026, 10, 1, 6, 30, 0),
        "economic_import_created": 3,
        "economic_import_updated": 1,
        "tracelink_order_auto_send": True,
    }
)

# The scheduled import, set to its own timing.
env.ref("tracelink_crm.ir_cron_economic_import_customers").write(
    {"interval_number": 2, "nextcall": datetime(2026, 12, 4, 6, 0, 0)}
)

# --- companies with CVR data and e-conomic numbers ------------------------------
Partner = env["res.partner"]


def cvr_company(name, cvr, company, **values):
    return Partner.create(
        {
            "name": name,
            "is_company": True,
            "company_id": company.id if company else False,
            "vat": f"DK{cvr}",
            "company_registry": cvr,
            "cvr_industry_code": "251100",
            "cvr_industry_text": "Fremstilling af metalkonstruktioner",
            "cvr_legal_form": "Anpartsselskab",
            "cvr_status": "active",
            "cvr_lookup_date": datetime(2026, 11, 2, 10, 0, 0),
            "cvr_provider": "cvrapi",
            "email": f"{cvr}@example.dk",
            **values,
        }
    )


own_a = cvr_company("Svejs & Stål A/S", "13585628", main, cvr_protected=True)
own_b = cvr_company("Nordisk Plade ApS", "25313763", second, cvr_provider="virk")
shared = cvr_company("Fælles Maskiner A/S", "10403782", None)
plain = Partner.create({"name": "Uden CVR", "is_company": True})
# Committed before they change, so that the changes are tracked in the
# chatter (tracking values point at the fields that change addon).
env.cr.commit()
# Each company's own number, the shared contact one in each company.
for partner, company, number, day in (
    (own_a, main, 101, 3),
    (own_b, second, 201, 4),
    (shared, main, 102, 5),
    (shared, second, 202, 6),
):
    partner.with_company(company).write(
        {
            "economic_customer_number": number,
            "economic_last_sync": datetime(2026, 11, day, 7, 0, 0),
        }
    )

# The CVR cache and the look-ups counted against the per-user limit.
Cache = env["tracelink.cvr.cache"].sudo()
for key in ("13585628", "25313763", "svejs"):
    Cache.create(
        {
            "provider": "cvrapi",
            "service_url": "https://cvrapi.example.dk",
            "query_key": key,
            "answer": [{"cvr": key, "name": f"Company {key}"}],
            "fetched_at": datetime(2026, 12, 1, 12, 0, 0),
        }
    )
for _i in range(3):
    env["tracelink.cvr.lookup"].sudo().create({"user_id": env.uid})

# --- cases ------------------------------------------------------------------------
Stage = env["crm.stage"]
new, qualified, proposition = (
    env.ref("crm.stage_lead1"),
    env.ref("crm.stage_lead2"),
    env.ref("crm.stage_lead3"),
)
reasons = env["crm.lost.reason"].search([], order="id", limit=2)
Lead = env["crm.lead"]


def case(name, company, partner, stage, revenue, **values):
    return Lead.with_company(company).create(
        {
            "name": name,
            "type": "opportunity",
            "company_id": company.id,
            "partner_id": partner.id,
            "stage_id": stage.id,
            "expected_revenue": revenue,
            "follow_up_date": date(2026, 12, 10),
            "date_deadline": date(2027, 1, 15),
            **values,
        }
    )


open_cases = [
    case("Svejste rammer, 40 stk", main, own_a, new, 48000),
    case("Trapper til hal 3", main, shared, qualified, 125000, probability=35),
    case("Gelændere", main, own_a, proposition, 30000, customer_reference="PO-77"),
    case("Konsoller, serie 2", second, own_b, qualified, 64000),
    case("Reoler", second, shared, new, 9000, probability=60),
]
won = [
    case("Maskinrammer", main, own_a, proposition, 210000),
    case("Beslag, 500 stk", main, shared, qualified, 18500),
    case("Platforme", main, own_a, new, 75000),
    case("Skærme til værksted", second, own_b, proposition, 41000),
]
lost = [
    case("Carporte", main, own_a, qualified, 56000),
    case("Skilte", main, shared, proposition, 12000, probability=70),
    case("Hegn", main, own_a, new, 8000),
    case("Lågesystem", second, own_b, qualified, 33000),
]
archived = case("Gammel forespørgsel", main, plain, qualified, 5000, probability=20)
env.cr.commit()
archived.action_archive()

for lead in won:
    lead.action_set_won()
for lead, reason in zip(lost, [reasons[0], reasons[1], None, reasons[1]], strict=True):
    if reason:
        lead.action_set_lost(lost_reason_id=reason.id)
    else:  # dragged to Lost: no reason given
        lead.stage_id = env.ref("tracelink_crm.crm_stage_lost")
for lead in (won[0], won[1], won[3]):
    lead.with_company(lead.company_id).with_context(
        allowed_company_ids=[lead.company_id.id, main.id, second.id]
    ).action_convert_to_order()
env.flush_all()
print(
    "made",
    Lead.with_context(active_test=False).search_count([]),
    "cases,",
    env["sale.order"].search_count([]),
    "orders",
)
env.cr.commit()
