"""Invoice drafts, booking and payment state: the pure mapping, and the
client against the local fake e-conomic (no Odoo)."""

from datetime import date

import pytest
import requests

from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    InvalidRequest,
)
from odoo.addons.tracelink_economic.tests.stand_ins.fake_economic import FakeEconomic
from odoo.addons.tracelink_economic.tools.economic_client import EconomicClient
from odoo.addons.tracelink_economic.tools.economic_invoice import (
    booked_status,
    draft_invoice_body,
    has_more_decimals,
    invoice_line,
)

APP_TOKEN = "app-SECRET-4f9c2e1d"
GRANT_TOKEN = "grant-SECRET-8a7b6c5d"
HEAD = {
    "currency": "DKK",
    "customer_number": 1,
    "date": date(2026, 12, 3),
    "layout": 19,
    "payment_terms": 1,
    "vat_zone": 1,
    "reference": "S00042",
    "heading": "",
    "recipient": {"name": "Eksempel Maskinfabrik ApS", "zip": "7100", "ean": ""},
}
FRAME = {
    "kind": "product",
    "product_number": "RAMME-40",
    "description": "Svejset ramme",
    "quantity": 3.0,
    "price_unit": 1200.0,
    "discount": 10.0,
    "subtotal": 3240.0,
    "unit_number": 1,
}


@pytest.fixture
def fake():
    fake = FakeEconomic(app_secret_token=APP_TOKEN, agreement_grant_token=GRANT_TOKEN)
    fake.add_customer("Eksempel Maskinfabrik ApS", number=1)
    fake.add_product("RAMME-40", "Svejset ramme")
    return fake


@pytest.fixture
def client(httpserver, fake):
    fake.install(httpserver)
    return EconomicClient(
        base_url=httpserver.url_for("/"),
        app_secret_token=APP_TOKEN,
        agreement_grant_token=GRANT_TOKEN,
        backoff=0.0,
        sleep=lambda _seconds: None,
    )


# Mapping ----------------------------------------------------------------------


def test_more_than_two_decimals():
    assert has_more_decimals(0.125)
    assert not has_more_decimals(1200.5)
    assert not has_more_decimals(3)


def test_product_line_keeps_quantity_price_discount_unit():
    assert invoice_line(FRAME, 2) == {
        "lineNumber": 2,
        "sortKey": 2,
        "product": {"productNumber": "RAMME-40"},
        "description": "Svejset ramme",
        "quantity": 3,
        "unitNetPrice": 1200.0,
        "discountPercentage": 10.0,
        "unit": {"unitNumber": 1},
    }


def test_price_with_more_decimals_is_one_unit_at_the_line_amount():
    line = {**FRAME, "quantity": 1000, "price_unit": 0.125, "subtotal": 112.5}
    body = invoice_line(line, 1)
    assert (body["quantity"], body["unitNetPrice"]) == (1, 112.5)
    assert "discountPercentage" not in body
    assert body["description"] == "Svejset ramme (1000 x 0.125)"


def test_text_line_has_no_product():
    body = invoice_line({"kind": "text", "description": "Leveres  på\npaller"}, 3)
    assert body == {"lineNumber": 3, "sortKey": 3, "description": "Leveres på paller"}


def test_draft_body_leaves_empty_values_out():
    body = draft_invoice_body(HEAD, [FRAME])
    assert body["references"] == {"other": "S00042"}
    assert body["recipient"] == {
        "name": "Eksempel Maskinfabrik ApS",
        "zip": "7100",
        "vatZone": {"vatZoneNumber": 1},
    }
    assert "notes" not in body
    assert body["date"] == "2026-12-03"


def test_draft_body_ean_for_a_public_customer():
    head = {**HEAD, "recipient": {**HEAD["recipient"], "ean": "5790000123452"}}
    recipient = draft_invoice_body(head, [FRAME])["recipient"]
    assert recipient["ean"] == "5790000123452"
    assert recipient["nemHandelType"] == "ean"


def test_draft_body_refuses_missing_layout():
    with pytest.raises(ValueError, match="layout"):
        draft_invoice_body({**HEAD, "layout": 0}, [FRAME])


@pytest.mark.parametrize(
    ("invoice", "state"),
    [
        ({"remainder": 0.0, "grossAmount": 100.0, "dueDate": "2026-12-11"}, "paid"),
        ({"remainder": 40.0, "grossAmount": 100.0, "dueDate": "2026-12-11"}, "partial"),
        ({"remainder": 100.0, "grossAmount": 100.0, "dueDate": "2026-12-11"}, "booked"),
        ({"remainder": 40.0, "grossAmount": 100.0, "dueDate": "2026-12-01"}, "overdue"),
    ],
)
def test_booked_status(invoice, state):
    assert booked_status(invoice, date(2026, 12, 3))[0] == state


# Client and stand-in ------------------------------------------------------------


def test_draft_then_booking_then_payment(client, fake):
    draft = client.create_draft_invoice(draft_invoice_body(HEAD, [FRAME]))
    assert draft["draftInvoiceNumber"] == 1
    assert draft["netAmount"] == 3240.0
    assert draft["grossAmount"] == 4050.0
    booked = client.book_invoice(1, send_by="none")
    assert booked["bookedInvoiceNumber"] == 1
    assert booked["remainder"] == 4050.0
    assert booked["dueDate"] == "2026-12-11"
    assert not fake.drafts
    fake.pay(1, 50.0)
    _drafts, found = client.find_invoices_by_reference("S00042")
    assert [i["remainder"] for i in found] == [4000.0]


def test_three_decimals_refused_with_e04740(client):
    body = draft_invoice_body(HEAD, [FRAME])
    body["lines"][0]["unitNetPrice"] = 0.125
    with pytest.raises(InvalidRequest) as caught:
        client.create_draft_invoice(body)
    assert caught.value.status == 400
    assert any("at most 2 decimals" in line for line in caught.value.details)


def test_line_without_line_number_refused(client):
    body = draft_invoice_body(HEAD, [FRAME])
    del body["lines"][0]["lineNumber"]
    with pytest.raises(InvalidRequest):
        client.create_draft_invoice(body)


def test_unknown_layout_named(client, fake):
    with pytest.raises(InvalidRequest) as caught:
        client.create_draft_invoice(draft_invoice_body({**HEAD, "layout": 99}, [FRAME]))
    assert "layout: Layout not found." in caught.value.details


def test_idempotency_key_replays_the_draft(client, fake, httpserver):
    body = draft_invoice_body(HEAD, [FRAME])
    first = client.create_draft_invoice(body, idempotency_key="k-1")
    again = client.create_draft_invoice(body, idempotency_key="k-1")
    assert first["draftInvoiceNumber"] == again["draftInvoiceNumber"]
    assert len(fake.drafts) == 1
    _request, response = httpserver.log[-1]
    assert response.headers["X-ResultFromCache"] == "true"


def test_draft_numbers_reused_after_a_delete(client, fake, httpserver):
    body = draft_invoice_body(HEAD, [FRAME])
    client.create_draft_invoice(body)
    requests.delete(
        httpserver.url_for("/invoices/drafts/1"),
        headers={"X-AppSecretToken": APP_TOKEN, "X-AgreementGrantToken": GRANT_TOKEN},
        timeout=5,
    )
    assert client.create_draft_invoice(body)["draftInvoiceNumber"] == 1


def test_send_by_casing_checked(client):
    client.create_draft_invoice(draft_invoice_body(HEAD, [FRAME]))
    with pytest.raises(InvalidRequest):
        client.book_invoice(1, send_by="None")


def test_booked_pages_and_unpaid(client, fake):
    fake.add_booked(2500)
    fake.pay(5)
    invoices, pagination = client.booked_page()
    assert len(invoices) == 1000 and pagination["nextPage"]
    invoices, pagination = client.booked_page(after_number=2000)
    assert [i["bookedInvoiceNumber"] for i in invoices][:2] == [2001, 2002]
    assert "nextPage" not in pagination
    unpaid, _pagination = client.booked_page(after_number=0, unpaid=True)
    assert 5 not in [i["bookedInvoiceNumber"] for i in unpaid]


def test_find_and_create_products(client, fake):
    assert list(client.find_products(["RAMME-40", "NEW-1"])) == ["RAMME-40"]
    client.create_product(
        {
            "productNumber": "NEW-1",
            "name": "Ny",
            "productGroup": {"productGroupNumber": 1},
        }
    )
    assert "NEW-1" in fake.products
    with pytest.raises(InvalidRequest):
        client.create_product(
            {
                "productNumber": "X",
                "name": "X",
                "productGroup": {"productGroupNumber": 9},
            }
        )


def test_catalogues(client):
    assert [lay["layoutNumber"] for lay in client.iter_collection("/layouts")] == [
        19,
        21,
    ]
    assert "stk." in [u["name"] for u in client.iter_collection("/units")]
    terms = list(client.iter_collection("/payment-terms"))
    assert terms[0]["paymentTermsNumber"] == 1


def test_wrong_tokens_on_invoices(httpserver, fake):
    fake.install(httpserver)
    client = EconomicClient(
        base_url=httpserver.url_for("/"),
        app_secret_token="wrong-token-123456",
        agreement_grant_token=GRANT_TOKEN,
    )
    with pytest.raises(AuthenticationFailed) as caught:
        client.booked_page()
    assert "wrong-token-123456" not in str(caught.value)
