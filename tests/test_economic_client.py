"""The e-conomic client against the local fake e-conomic (no Odoo)."""

import json
import logging
import socket
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
import requests
from stdnum.dk import cvr as stdnum_cvr

from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    InsecureAddress,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    QuotaExceeded,
    ServiceTimeout,
    ServiceUnavailable,
)
from odoo.addons.tracelink_economic.tests.stand_ins.fake_economic import FakeEconomic
from odoo.addons.tracelink_economic.tools.economic_client import (
    CVR_FILTER_FIELD,
    EconomicClient,
    escape_filter_value,
    format_filter_datetime,
)
from odoo.addons.tracelink_economic.tools.economic_mapping import (
    customer_body_from_partner,
    partner_values_from_customer,
)

APP_TOKEN = "app-SECRET-4f9c2e1d"
GRANT_TOKEN = "grant-SECRET-8a7b6c5d"
NEW_CUSTOMER = {
    "name": "Eksempel Maskinfabrik ApS",
    "currency": "DKK",
    "customerGroup": {"customerGroupNumber": 1},
    "paymentTerms": {"paymentTermsNumber": 1},
    "vatZone": {"vatZoneNumber": 1},
    "corporateIdentificationNumber": "13585628",
    "address": "Industrivej 4",
    "zip": "7100",
    "city": "Vejle",
    "country": "Danmark",
}


def demo_get(httpserver, params):
    """GET /customers of the demo agreement, straight to the stand-in."""
    return requests.get(
        httpserver.url_for("/customers"),
        params=params,
        headers={"X-AppSecretToken": "demo", "X-AgreementGrantToken": "demo"},
        timeout=5,
    )


@pytest.fixture
def fake():
    return FakeEconomic(app_secret_token=APP_TOKEN, agreement_grant_token=GRANT_TOKEN)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(sleeps):
    """Build clients on a server's URL; waits are recorded, not slept."""

    def make(server, **kwargs):
        options = {
            "app_secret_token": APP_TOKEN,
            "agreement_grant_token": GRANT_TOKEN,
            "timeout": 5.0,
            "sleep": sleeps.append,
        }
        options.update(kwargs)
        client = EconomicClient(base_url=server.url_for("/"), **options)
        # the client's own calls counted, each with the retries it made
        client._request = mock.Mock(wraps=client._request)
        return client

    return make


@pytest.fixture
def client(httpserver, fake, make_client):
    fake.install(httpserver)
    return make_client(httpserver)


@pytest.fixture
def threaded_server(fake):
    """A threaded server, for answers that are held back on purpose."""
    server = fake.start_server()
    yield server
    server.stop()


# /self and tokens -----------------------------------------------------------


def test_get_self_returns_the_agreement(client, fake):
    me = client.get_self()
    assert me["agreementNumber"] == fake.agreement_number
    assert me["company"]["name"] == fake.company_name
    assert client._request.call_count == 1
    assert fake.count("GET", "/self") == 1


def test_every_request_sends_tokens_and_json_content_type(client, httpserver):
    client.get_self()
    request, _response = httpserver.log[-1]
    assert request.headers["X-AppSecretToken"] == APP_TOKEN
    assert request.headers["X-AgreementGrantToken"] == GRANT_TOKEN
    assert request.headers["Content-Type"] == "application/json"


def test_wrong_tokens_raise_authentication_failed(httpserver, fake, make_client):
    fake.install(httpserver)
    client = make_client(httpserver, agreement_grant_token="revoked-grant-token")
    with pytest.raises(AuthenticationFailed) as info:
        client.get_self()
    error = info.value
    assert error.status == 401
    assert error.code == "FAKE-UNAUTHORIZED"
    assert error.log_id.startswith("fake-")
    assert "AgreementGrantToken" in error.message
    # 401 is not transient: no retry
    assert fake.count("GET", "/self") == 1


def test_missing_tokens_fail_before_any_request(httpserver, fake, make_client):
    fake.install(httpserver)
    client = make_client(httpserver, app_secret_token="")
    with pytest.raises(AuthenticationFailed, match="not configured"):
        client.get_self()
    assert not httpserver.log
    assert not fake.calls


def test_tokens_are_never_sent_over_plain_http(monkeypatch):
    sent = []
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda *a, **k: sent.append(a)
    )
    client = EconomicClient(
        base_url="http://restapi.e-conomic.com",
        app_secret_token="app-secret",
        agreement_grant_token="grant-secret",
        sleep=lambda _seconds: None,
    )
    with pytest.raises(InsecureAddress) as raised:
        client.get_self()
    assert sent == []
    assert "secret" not in str(raised.value)


def test_demo_agreement_reads_but_refuses_writes(httpserver, fake, make_client):
    fake.install(httpserver)
    client = make_client(
        httpserver, app_secret_token="demo", agreement_grant_token="demo"
    )
    assert client.get_self()["company"]["name"] == "Demo agreement"
    with pytest.raises(PermissionDenied) as info:
        client.create_customer(NEW_CUSTOMER)
    assert info.value.status == 403
    assert "read-only" in info.value.message
    assert fake.customers == {}


# Reading customers ----------------------------------------------------------


def test_pagination_follows_next_page(client, fake):
    fake.add_customers(2500)
    pages = list(client.iter_customer_pages(page_size=1000))
    assert [len(customers) for customers, _pagination in pages] == [1000, 1000, 500]
    assert "nextPage" in pages[0][1]
    assert "nextPage" in pages[1][1]
    assert "nextPage" not in pages[2][1]
    # each page counts the customers from its first one on
    assert [pagination["results"] for _c, pagination in pages] == [2500, 1500, 500]
    numbers = [c["customerNumber"] for customers, _p in pages for c in customers]
    assert numbers == list(range(1, 2501))
    assert client._request.call_count == 3
    assert fake.count("GET", "/customers") == 3


def test_iter_customers_flattens_pages_in_number_order(client, fake, httpserver):
    fake.add_customers(45)
    numbers = [c["customerNumber"] for c in client.iter_customers(page_size=20)]
    assert numbers == list(range(1, 46))
    assert client._request.call_count == 3
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == "customerNumber$gt:40"
    assert request.args["pagesize"] == "20"
    assert request.args["sort"] == "customerNumber"


def test_pages_resume_after_a_number_and_survive_deletes(client, fake, httpserver):
    fake.add_customers(50)
    pages = client.iter_customer_pages(page_size=20, after_number=10)
    first, _pagination = next(pages)
    assert [c["customerNumber"] for c in first] == list(range(11, 31))
    # a customer of a page already read is deleted: nothing is skipped
    del fake.customers[15]
    rest = [c["customerNumber"] for customers, _p in pages for c in customers]
    assert rest == list(range(31, 51))
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == "customerNumber$gt:30"


def test_pages_of_changed_customers_combine_both_filters(client, fake, httpserver):
    fake.add_customers(30)
    since = datetime(2026, 10, 1, 10, 0, tzinfo=timezone.utc)
    numbers = [
        c["customerNumber"]
        for c in client.iter_customers(updated_since=since, page_size=10)
    ]
    # customers are 13 minutes apart from 08:00: number 11 is the first after 10:00
    assert numbers == list(range(11, 31))
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == (
        "lastUpdated$gt:2026-10-01T10:00:00Z$and:customerNumber$gt:20"
    )


def test_exact_page_multiple_stops_without_an_empty_page(client, fake):
    fake.add_customers(40)
    pages = list(client.iter_customer_pages(page_size=20))
    assert [len(p) for p, _pagination in pages] == [20, 20]
    assert client._request.call_count == 2


def test_empty_agreement_gives_one_empty_page(client):
    pages = list(client.iter_customer_pages())
    assert len(pages) == 1
    customers, pagination = pages[0]
    assert customers == []
    assert pagination["results"] == 0
    assert client._request.call_count == 1


def test_updated_since_filters_on_last_updated(client, fake, httpserver):
    start = datetime(2026, 10, 1, 8, 0, tzinfo=timezone.utc)
    fake.add_customers(30, updated_from=start, updated_step=timedelta(hours=1))
    since = datetime(2026, 10, 2, 0, 0, tzinfo=timezone.utc)
    customers = list(client.iter_customers(updated_since=since))
    # customer 17 was changed exactly at midnight: "$gt" leaves it out
    assert [c["customerNumber"] for c in customers] == list(range(18, 31))
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == "lastUpdated$gt:2026-10-02T00:00:00Z"
    # the filter goes URL-encoded on the wire
    assert b"lastUpdated%24gt%3A2026-10-02T00%3A00%3A00Z" in request.query_string


def test_updated_since_is_sent_in_utc(client, fake, httpserver):
    fake.add_customers(3)
    copenhagen = timezone(timedelta(hours=1))
    list(
        client.iter_customers(
            updated_since=datetime(2026, 11, 1, 1, 0, tzinfo=copenhagen)
        )
    )
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == "lastUpdated$gt:2026-11-01T00:00:00Z"


def test_unknown_record_raises_not_found(client, fake):
    fake.fail_next(404)
    with pytest.raises(NotFound) as info:
        client.get_self()
    assert info.value.status == 404
    assert fake.count("GET", "/self") == 1  # 404 is not retried


# Finding by CVR ---------------------------------------------------------------


def test_find_customers_by_cvr(client, fake, httpserver):
    fake.add_customers(10)
    fake.add_customer("Eksempel ApS", corporateIdentificationNumber="13585628")
    found = client.find_customers_by_cvr("13585628")
    assert [c["name"] for c in found] == ["Eksempel ApS"]
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == f"{CVR_FILTER_FIELD}$eq:13585628"
    assert client.find_customers_by_cvr("29403473") == []


def test_find_by_cvr_falls_back_to_ci_number(httpserver, make_client):
    fake = FakeEconomic(
        app_secret_token=APP_TOKEN,
        agreement_grant_token=GRANT_TOKEN,
        cvr_filter_field="ciNumber",
    )
    fake.install(httpserver)
    fake.add_customer("Eksempel ApS", corporateIdentificationNumber="13585628")
    client = make_client(httpserver)
    found = client.find_customers_by_cvr("13585628")
    assert [c["name"] for c in found] == ["Eksempel ApS"]
    assert client.cvr_filter_field == "ciNumber"
    assert client._request.call_count == 2  # refused once, then the fallback
    # the instance remembers: the next lookup goes straight to ciNumber
    assert client.find_customers_by_cvr("29403473") == []
    assert client._request.call_count == 3
    request, _response = httpserver.log[-1]
    assert request.args["filter"] == "ciNumber$eq:29403473"


def test_find_by_cvr_without_a_usable_field_raises(httpserver, make_client):
    fake = FakeEconomic(
        app_secret_token=APP_TOKEN,
        agreement_grant_token=GRANT_TOKEN,
        cvr_filter_field="vatNumber",
    )
    fake.install(httpserver)
    client = make_client(httpserver)
    with pytest.raises(InvalidRequest) as info:
        client.find_customers_by_cvr("13585628")
    assert info.value.status == 400
    assert client._request.call_count == 1
    assert client.cvr_filter_field == CVR_FILTER_FIELD


def test_find_by_cvr_needs_a_value(client):
    with pytest.raises(ValueError):
        client.find_customers_by_cvr("  ")


# Writing customers ----------------------------------------------------------


def test_create_customer_assigns_the_next_number(client, fake):
    fake.add_customers(5)
    created = client.create_customer(NEW_CUSTOMER)
    assert created["customerNumber"] == 6
    assert created["self"].endswith("/customers/6")
    assert created["name"] == NEW_CUSTOMER["name"]
    assert "lastUpdated" in created
    assert fake.customers[6]["corporateIdentificationNumber"] == "13585628"
    assert fake.count("POST", "/customers") == 1


def test_body_built_by_the_mapping_is_accepted(client, fake):
    partner = {
        "name": "Rundtur ApS",
        "street": "Havnegade 1",
        "zip": "8000",
        "city": "Aarhus C",
        "country_name": "Danmark",
        "email": "",
        "phone": False,
        "website": None,
        "cvr": "13585628",
    }
    defaults = {
        "currency": "DKK",
        "customer_group": 1,
        "payment_terms": 1,
        "vat_zone": 1,
    }
    created = client.create_customer(customer_body_from_partner(partner, defaults))
    values = partner_values_from_customer(created)
    assert values["economic_number"] == 1
    assert values["cvr"] == "13585628"
    assert values["street"] == "Havnegade 1"
    assert values["email"] == ""


def test_validation_error_becomes_invalid_request_with_details(client, fake):
    body = dict(NEW_CUSTOMER)
    body["paymentTerms"] = {"paymentTermsNumber": 99}
    body["customerGroup"] = {}
    with pytest.raises(InvalidRequest) as info:
        client.create_customer(body)
    error = info.value
    assert error.status == 400
    assert error.code == "E04300"
    assert error.message == "Validation failed. 2 errors found."
    assert error.log_id.startswith("fake-")
    assert sorted(error.details) == [
        "customerGroupNumber: Property is required.",
        "paymentTerms: Payment terms not found.",
    ]
    assert fake.customers == {}


def test_fake_validation_body_has_the_reference_shape(httpserver, fake):
    fake.install(httpserver)
    body = dict(NEW_CUSTOMER, paymentTerms={"paymentTermsNumber": 99})
    response = requests.post(
        httpserver.url_for("/customers"),
        json=body,
        headers={"X-AppSecretToken": APP_TOKEN, "X-AgreementGrantToken": GRANT_TOKEN},
        timeout=5,
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["message"] == "Validation failed. 1 error found."
    assert payload["errorCode"] == "E04300"
    assert payload["httpStatusCode"] == 400
    assert {"developerHint", "logId", "logTime"} <= payload.keys()
    assert payload["errors"] == {
        "paymentTerms": {
            "errors": [
                {
                    "propertyName": "paymentTerms",
                    "errorCode": "E06000",
                    "errorMessage": "Payment terms not found.",
                    "inputValue": 99,
                    "developerHint": "Use an existing payment terms number.",
                }
            ]
        }
    }


def test_error_details_are_collected_at_any_depth(client, fake):
    body = {
        "message": "Validation failed. 3 errors found.",
        "errorCode": "E04300",
        "logId": "log-77",
        "errors": {
            "recipient": {
                "vatZone": {
                    "vatZoneNumber": {
                        "errors": [
                            {
                                "propertyName": "vatZoneNumber",
                                "errorMessage": "Unknown.",
                            }
                        ]
                    }
                }
            },
            "lines": [
                {"product": {"errors": [{"errorMessage": "Product not found."}]}},
            ],
            "date": {"errors": [{"propertyName": "date", "errorMessage": "Required."}]},
        },
    }
    fake.fail_next(400, body=body)
    with pytest.raises(InvalidRequest) as info:
        client.get_self()
    assert info.value.details == [
        "vatZoneNumber: Unknown.",
        "lines.0.product: Product not found.",
        "date: Required.",
    ]
    assert info.value.log_id == "log-77"
    assert "Validation failed" in str(info.value)
    assert "[E04300]" in str(info.value)


def test_null_is_refused_by_the_fake(client):
    with pytest.raises(InvalidRequest) as info:
        client.create_customer(dict(NEW_CUSTOMER, email=None))
    assert info.value.details == ["email: Null is not accepted."]


# Retries ----------------------------------------------------------------------


def test_429_on_get_waits_retry_after_then_succeeds(client, fake, sleeps):
    fake.fail_next(429, retry_after=7)
    assert client.get_self()["agreementNumber"] == fake.agreement_number
    assert sleeps == [7.0]
    assert fake.count("GET", "/self") == 2
    assert client._request.call_count == 1


def test_retry_after_over_a_minute_gives_up_at_once(client, fake, sleeps):
    fake.fail_next(429, retry_after=3600)
    with pytest.raises(QuotaExceeded) as info:
        client.get_self()
    assert info.value.retry_after == 3600.0
    assert sleeps == []
    assert fake.count("GET", "/self") == 1


def test_429_without_retry_after_waits_a_whole_window(
    httpserver, fake, make_client, sleeps
):
    fake.install(httpserver)
    client = make_client(httpserver, backoff=0.25)
    fake.fail_next(429, times=2)
    client.get_self()
    # no Retry-After and no X-RateLimiting: a minute, not 0.25 + 0.5 s
    assert sleeps == [60.0, 60.0]
    assert fake.count("GET", "/self") == 3


def test_empty_bucket_waits_the_window_it_names(httpserver, fake, make_client, sleeps):
    fake.install(httpserver)
    fake.rate_limit = (10, 30)
    fake.rate_tokens = 1
    client = make_client(httpserver)
    client.get_self()  # takes the last token
    assert sleeps == []
    # the answer said 0 tokens left: the next call waits for one to refill
    fake.rate_tokens = 10
    client.get_self()
    assert sleeps == [3.0]
    # a 429 of the bucket (no Retry-After) waits out its whole window
    fake.rate_tokens = 0
    with pytest.raises(QuotaExceeded):
        client.get_self()
    assert sleeps[1:] == [30.0, 30.0, 30.0]
    assert fake.count("GET", "/self") == 2 + 4


def test_calls_are_paced_by_the_call_cost(httpserver, fake, make_client, sleeps):
    fake.install(httpserver)
    fake.rate_limit = (100, 60)
    fake.rate_tokens = 7
    client = make_client(httpserver)
    client.create_customer(NEW_CUSTOMER)  # costs 5: 2 left
    assert sleeps == []
    client.get_self()  # 2 < 5 (the last call's cost): wait for 3 tokens
    assert sleeps == [1.8]


def test_429_that_persists_raises_quota_exceeded(httpserver, fake, make_client, sleeps):
    fake.install(httpserver)
    client = make_client(httpserver, max_retries=2)
    fake.fail_next(429, times=5, retry_after=3)
    with pytest.raises(QuotaExceeded) as info:
        client.get_self()
    assert info.value.retry_after == 3.0
    assert info.value.status == 429
    assert sleeps == [3.0, 3.0]
    assert fake.count("GET", "/self") == 3


def test_5xx_on_get_is_retried_with_backoff(httpserver, fake, make_client, sleeps):
    fake.install(httpserver)
    client = make_client(httpserver, backoff=0.5)
    fake.fail_next(503, times=2)
    assert client.get_self()["agreementNumber"] == fake.agreement_number
    assert sleeps == [0.5, 1.0]
    assert fake.count("GET", "/self") == 3


def test_5xx_on_get_gives_up_after_max_retries(httpserver, fake, make_client, sleeps):
    fake.install(httpserver)
    client = make_client(httpserver, max_retries=2, backoff=1.0)
    fake.fail_next(500, times=10)
    with pytest.raises(ServiceUnavailable) as info:
        client.get_self()
    assert info.value.status == 500
    assert sleeps == [1.0, 2.0]
    assert fake.count("GET", "/self") == 3


def test_5xx_in_the_middle_of_paging_is_retried(client, fake, sleeps):
    fake.add_customers(30)
    pages = client.iter_customer_pages(page_size=20)
    first, _pagination = next(pages)
    fake.fail_next(502)
    second, _pagination = next(pages)
    assert len(first) + len(second) == 30
    assert len(sleeps) == 1


def test_5xx_on_post_is_not_retried(client, fake, sleeps):
    fake.fail_next(500)
    with pytest.raises(ServiceUnavailable) as info:
        client.create_customer(NEW_CUSTOMER)
    assert info.value.status == 500
    assert fake.count("POST", "/customers") == 1
    assert client._request.call_count == 1
    assert sleeps == []


def test_create_repeated_with_its_idempotency_key_is_answered_once(
    client, fake, httpserver
):
    first = client.create_customer(NEW_CUSTOMER, idempotency_key="key-1")
    again = client.create_customer(NEW_CUSTOMER, idempotency_key="key-1")
    assert again == first
    assert list(fake.customers) == [first["customerNumber"]]
    request, response = httpserver.log[-1]
    assert request.headers["Idempotency-Key"] == "key-1"
    assert response.headers["X-ResultFromCache"] == "true"
    other = client.create_customer(NEW_CUSTOMER, idempotency_key="key-2")
    assert other["customerNumber"] != first["customerNumber"]
    assert "X-ResultFromCache" not in httpserver.log[-1][1].headers


def test_429_on_post_is_not_retried(client, fake, sleeps):
    fake.fail_next(429, retry_after=1)
    with pytest.raises(QuotaExceeded):
        client.create_customer(NEW_CUSTOMER)
    assert fake.count("POST", "/customers") == 1
    assert sleeps == []


def test_connection_refused_raises_service_unavailable(make_client, sleeps):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Closed:
        @staticmethod
        def url_for(path):
            return f"http://127.0.0.1:{port}{path}"

    client = make_client(Closed, max_retries=2, backoff=0.1)
    with pytest.raises(ServiceUnavailable) as info:
        client.get_self()
    assert not isinstance(info.value, ServiceTimeout)
    assert "Cannot connect to e-conomic" in info.value.message
    assert client._request.call_count == 1
    assert sleeps == [0.1, 0.2]


# Timeouts (a threaded server: held answers must not block the next request) -----


def test_slow_answer_raises_service_timeout(threaded_server, fake, make_client):
    client = make_client(threaded_server, timeout=0.3, max_retries=0)
    fake.delay_next(1.0)
    started = time.monotonic()
    with pytest.raises(ServiceTimeout) as info:
        client.get_self()
    assert time.monotonic() - started < 0.9
    assert "0.3 s" in info.value.message


def test_slow_read_is_retried_after_a_timeout(
    threaded_server, fake, make_client, sleeps
):
    client = make_client(threaded_server, timeout=0.3, max_retries=1, backoff=0.5)
    fake.delay_next(1.0)
    assert client.get_self()["agreementNumber"] == fake.agreement_number
    assert sleeps == [0.5]
    assert fake.count("GET", "/self") == 2


def test_create_that_times_out_is_not_repeated(
    threaded_server, fake, make_client, sleeps
):
    client = make_client(threaded_server, timeout=0.3)
    fake.timeout_after_create = True
    with pytest.raises(ServiceTimeout):
        client.create_customer(NEW_CUSTOMER)
    assert fake.count("POST", "/customers") == 1
    assert sleeps == []
    # e-conomic did create it: a lookup by CVR finds it before any new attempt
    found = client.find_customers_by_cvr("13585628")
    assert [c["customerNumber"] for c in found] == [1]


# Odd answers ------------------------------------------------------------------


def test_success_body_that_is_not_json_raises_malformed(httpserver, make_client):
    httpserver.expect_request("/self").respond_with_data(
        "<html>maintenance</html>", content_type="text/html"
    )
    client = make_client(httpserver)
    with pytest.raises(MalformedResponse, match="not JSON"):
        client.get_self()


def test_redirect_is_not_followed(httpserver, make_client):
    httpserver.expect_request("/self").respond_with_data(
        "", status=302, headers={"Location": "http://127.0.0.1:9/elsewhere"}
    )
    client = make_client(httpserver)
    with pytest.raises(MalformedResponse, match="redirect") as info:
        client.get_self()
    assert info.value.status == 302
    assert client._request.call_count == 1


def test_collection_without_collection_raises_malformed(httpserver, make_client):
    httpserver.expect_request("/customers").respond_with_json({"items": []})
    client = make_client(httpserver)
    with pytest.raises(MalformedResponse, match="collection"):
        list(client.iter_customers())


def test_html_error_page_still_maps_by_status(client, fake, sleeps):
    fake.fail_next(502, times=4, body="<html>Bad gateway</html>")
    with pytest.raises(ServiceUnavailable) as info:
        client.get_self()
    assert info.value.message == "e-conomic answered HTTP 502"
    assert len(sleeps) == 3


def test_other_4xx_becomes_invalid_request(httpserver, make_client):
    httpserver.expect_request("/self").respond_with_json(
        {"message": "Unsupported media type.", "errorCode": "E415"}, status=415
    )
    client = make_client(httpserver)
    with pytest.raises(InvalidRequest, match="Unsupported media type"):
        client.get_self()


# Secrets ----------------------------------------------------------------------


def test_tokens_never_leak(httpserver, fake, make_client, caplog):
    caplog.set_level(
        logging.DEBUG, logger="odoo.addons.tracelink_economic.tools.economic_client"
    )
    fake.install(httpserver)
    client = make_client(httpserver, max_retries=1)
    errors = []

    fake.fail_next(
        400, body={"message": f"Header {APP_TOKEN} and {GRANT_TOKEN} refused"}
    )
    with pytest.raises(InvalidRequest) as info:
        client.get_self()
    errors.append(info.value)

    fake.fail_next(503, times=2)
    with pytest.raises(ServiceUnavailable) as info:
        client.get_self()
    errors.append(info.value)

    wrong = make_client(httpserver, app_secret_token="wrong-" + APP_TOKEN)
    with pytest.raises(AuthenticationFailed) as info:
        wrong.get_self()
    errors.append(info.value)

    texts = [repr(client), repr(wrong), str(client), caplog.text]
    texts += [str(error) for error in errors] + [repr(error) for error in errors]
    texts += [" ".join(error.details) for error in errors]
    for text in texts:
        assert APP_TOKEN not in text
        assert GRANT_TOKEN not in text
    assert "***" in str(errors[0])
    # the log carries method, path, status and logId
    assert "GET /self -> HTTP 503" in caplog.text
    assert "logId fake-" in caplog.text


# The fake itself --------------------------------------------------------------


def test_fake_generates_valid_unique_cvr_numbers(fake):
    customers = fake.add_customers(500)
    cvrs = [
        c["corporateIdentificationNumber"]
        for c in customers
        if "corporateIdentificationNumber" in c
    ]
    assert 200 < len(cvrs) < 400
    assert len(set(cvrs)) == len(cvrs)
    assert all(stdnum_cvr.is_valid(cvr) for cvr in cvrs)
    stamps = [c["lastUpdated"] for c in customers]
    assert stamps == sorted(stamps)
    # every generated customer maps cleanly, its CVR recognised as such
    for customer in customers:
        values = partner_values_from_customer(customer)
        assert values["cvr"] == customer.get("corporateIdentificationNumber", "")


def test_fake_filters_combine_with_and_and_or(httpserver, fake):
    fake.install(httpserver)
    fake.add_customers(20)
    fake.add_customer("Smith & Co (Europe), A/S", number=50)

    def numbers(filter_text):
        response = demo_get(httpserver, {"filter": filter_text, "pagesize": 100})
        assert response.status_code == 200, response.text
        return [c["customerNumber"] for c in response.json()["collection"]]

    assert numbers("customerNumber$gte:5$and:customerNumber$lt:8") == [5, 6, 7]
    assert numbers("customerNumber$eq:2$or:customerNumber$gt:19") == [2, 20, 50]
    assert numbers("lastUpdated$gt:2026-10-01T08:30:00Z$and:customerNumber$lte:5") == [
        4,
        5,
    ]
    escaped = escape_filter_value("Smith & Co (Europe), A/S")
    assert escaped == "Smith & Co $(Europe$), A/S"
    assert numbers(f"name$eq:{escaped}") == [50]


@pytest.mark.parametrize(
    "identification",
    [
        "DK$12345678",
        "12,34,56,78",
        "DK:12345678",
        "(DK) 12345678",
        "DK*12345678",
        "Jensen & Co [ØST] 12345678",
        "Ærø Smedie $(1) æøå",
    ],
)
def test_filter_values_escaped_like_the_server(client, fake, identification):
    fake.add_customers(3)
    wanted = fake.add_customer("Mærkelig Kunde ApS", number=40)
    fake.customers[40]["corporateIdentificationNumber"] = identification
    fake.add_customer("Næsten Samme ApS", number=41, corporateIdentificationNumber="x")
    found = client.find_customers_by_cvr(identification)
    assert [c["customerNumber"] for c in found] == [wanted["customerNumber"]]


def test_fake_takes_an_escaped_comma_or_bracket_literally(httpserver, fake):
    fake.install(httpserver)
    fake.add_customer("A, B [C]", number=7)
    response = demo_get(httpserver, {"filter": "name$eq:A$, B $[C$]"})
    # the server unescapes only $ ( ) *: "$," and "$[" match nothing
    assert response.status_code == 200, response.text
    assert response.json()["collection"] == []


def test_fake_refuses_an_unknown_filter_field(httpserver, fake):
    fake.install(httpserver)
    response = demo_get(httpserver, {"filter": "shoeSize$eq:42"})
    assert response.status_code == 400
    allowed = response.json()["allowedFilteringFields"]
    assert "corporateIdentificationNumber" in allowed
    assert "shoeSize" not in allowed


def test_fake_serves_raw_customers_untouched(client, fake):
    fake.add_customers(2)
    key = fake.add_raw({"name": None, "weird": True})
    customers = list(client.iter_customers())
    assert customers[-1] == {"name": None, "weird": True}
    assert key == 3
    with pytest.raises(ValueError):
        partner_values_from_customer(customers[-1])


def test_format_filter_datetime_takes_naive_as_utc():
    assert format_filter_datetime(datetime(2026, 11, 1)) == "2026-11-01T00:00:00Z"


def put(httpserver, number, document):
    return requests.put(
        httpserver.url_for(f"/customers/{number}"),
        json=document,
        headers={"X-AppSecretToken": APP_TOKEN, "X-AgreementGrantToken": GRANT_TOKEN},
        timeout=5,
    )


def test_fake_put_replaces_the_whole_customer(httpserver, fake):
    fake.install(httpserver)
    fake.add_customer("Vejle Smedie ApS", number=3, city="Vejle", email="a@b.dk")
    partial = dict(NEW_CUSTOMER, name="Vejle Smedie ApS")
    del partial["city"]
    response = put(httpserver, 3, partial)
    assert response.status_code == 200
    # what the PUT left out is gone: e-conomic has no partial update
    assert "city" not in fake.customers[3]
    assert "email" not in fake.customers[3]
    assert fake.customers[3]["zip"] == "7100"


def test_fake_put_to_a_free_number_creates_the_customer(httpserver, fake):
    fake.install(httpserver)
    response = put(httpserver, 77, NEW_CUSTOMER)
    assert response.status_code == 201
    assert fake.customers[77]["name"] == NEW_CUSTOMER["name"]


def test_fake_refuses_values_longer_than_the_schema(client, fake):
    with pytest.raises(InvalidRequest) as info:
        client.create_customer(dict(NEW_CUSTOMER, city="V" * 51))
    assert info.value.details == ["city: Must be at most 50 characters."]
    assert not fake.customers


FIXTURES = Path(__file__).parent.parent / (
    "tracelink_economic/tests/stand_ins/fixtures/economic"
)


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_real_shape_page_maps_every_customer(httpserver, make_client):
    httpserver.expect_request("/customers").respond_with_json(
        fixture("customers_page.json")
    )
    client = make_client(httpserver)
    customers, pagination = next(client.iter_customer_pages(page_size=2))
    assert pagination["nextPage"]
    values = [partner_values_from_customer(c) for c in customers]
    assert [v["economic_number"] for v in values] == [1, 2]
    # a CVR number typed with spaces is recognised
    assert values[0]["cvr"] == "13585628"
    assert values[1]["cvr"] == ""


def test_real_shape_validation_error_lists_every_field(httpserver, make_client):
    httpserver.expect_request("/customers", method="POST").respond_with_json(
        fixture("error_validation.json"), status=400
    )
    client = make_client(httpserver)
    with pytest.raises(InvalidRequest) as info:
        client.create_customer(NEW_CUSTOMER)
    error = info.value
    assert (error.code, error.log_id) == (
        "E04300",
        fixture("error_validation.json")["logId"],
    )
    assert error.details == [
        "paymentTerms: Payment terms not found.",
        "product: Product not found.",
    ]


def test_real_shape_filter_error_shows_its_messages(httpserver, make_client):
    httpserver.expect_request("/customers").respond_with_json(
        fixture("error_filter.json"), status=400
    )
    client = make_client(httpserver)
    with pytest.raises(InvalidRequest) as info:
        client.find_customers_by_cvr("13585628")
    assert info.value.code is None
    assert info.value.details == fixture("error_filter.json")["errors"]


def test_real_shape_unauthorized(httpserver, make_client):
    httpserver.expect_request("/self").respond_with_json(
        fixture("error_unauthorized.json"), status=401
    )
    with pytest.raises(AuthenticationFailed) as info:
        make_client(httpserver).get_self()
    assert info.value.code == "E02000"


def test_stand_in_answers_a_bad_filter_like_the_real_one(httpserver, fake):
    fake.install(httpserver)
    response = demo_get(httpserver, {"filter": "nosuchfield$eq:1"})
    assert response.status_code == 400
    body = response.json()
    real = fixture("error_filter.json")
    assert set(real) <= set(body)
    assert "errorCode" not in body
    assert all(isinstance(message, str) for message in body["errors"])
