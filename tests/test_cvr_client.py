"""Both CVR providers against the local fakes (pytest-httpserver)."""

import copy
import logging
import socket
import traceback
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests

from odoo.addons.tracelink_cvr.tests.stand_ins.fake_cvr import (
    CVRAPI_COMPANIES,
    VIRK_COMPANIES,
    FakeCvrApi,
    FakeVirk,
    start_fake_server,
)
from odoo.addons.tracelink_cvr.tools.cvr_client import (
    COMPANY_KEYS,
    PROVIDERS,
    CvrApiDkClient,
    CvrProvider,
    VirkDistributionClient,
)
from odoo.addons.tracelink_cvr.tools.exceptions import (
    AuthenticationFailed,
    Banned,
    InsecureAddress,
    InvalidCvr,
    InvalidRequest,
    InvalidUserAgent,
    MalformedResponse,
    NotFound,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)

TOKEN = "tok-SECRET-4711"
USER_AGENT = "tracelink_crm test - CVR lookup - test@example.com"
USERNAME = "user-SECRET-42"
PASSWORD = "pw-SECRET-0815"


@pytest.fixture(autouse=True)
def _no_handler_errors(httpserver):
    yield
    httpserver.check_handler_errors()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def fake_api(httpserver):
    return FakeCvrApi().install(httpserver)


@pytest.fixture
def fake_virk(httpserver):
    return FakeVirk(username=USERNAME, password=PASSWORD).install(httpserver)


@pytest.fixture
def cvrapi(httpserver, sleeps):
    client = CvrApiDkClient(
        base_url=httpserver.url_for("/"),
        timeout=5,
        user_agent=USER_AGENT,
        token=TOKEN,
        sleep=sleeps.append,
    )
    yield client
    client.close()


@pytest.fixture
def virk(httpserver, sleeps):
    client = VirkDistributionClient(
        base_url=httpserver.url_for("/"),
        timeout=5,
        username=USERNAME,
        password=PASSWORD,
        sleep=sleeps.append,
    )
    yield client
    client.close()


@pytest.fixture
def closed_port_url():
    """A local URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _assert_no_secret(exc, *secrets):
    rendered = "".join(traceback.format_exception(exc)) + str(exc) + repr(exc)
    for secret in secrets:
        assert secret not in rendered


# ---------------------------------------------------------------------------
# cvrapi.dk
# ---------------------------------------------------------------------------


def test_cvrapi_get_by_number(cvrapi, fake_api):
    company = cvrapi.get("DK 1358 5628")
    assert tuple(company) == COMPANY_KEYS
    assert company["cvr"] == "13585628"
    assert company["name"] == "Eksempel Maskinfabrik ApS"
    assert company["provider"] == "cvrapi"
    [call] = fake_api.calls
    assert call["method"] == "GET"
    assert call["path"] == "/api"
    assert call["args"] == {
        "country": "dk",
        "format": "json",
        "version": "6",
        "vat": "13585628",
        "token": TOKEN,
    }
    assert call["headers"]["User-Agent"] == USER_AGENT


def test_cvrapi_search_by_name_returns_one_candidate(cvrapi, fake_api):
    companies = cvrapi.search("fjordlys")
    assert [c["cvr"] for c in companies] == ["22756214"]
    assert companies[0]["protected"] is True
    assert fake_api.calls[0]["args"]["search"] == "fjordlys"
    assert "vat" not in fake_api.calls[0]["args"]


def test_cvrapi_search_by_number_asks_for_vat(cvrapi, fake_api):
    companies = cvrapi.search(" dk10150817 ")
    assert len(companies) == 1
    assert companies[0]["state"] == "ceased"
    assert companies[0]["end_date"] == "2021-06-30"
    assert fake_api.calls[0]["args"]["vat"] == "10150817"
    assert "search" not in fake_api.calls[0]["args"]


def test_cvrapi_invalid_number_makes_no_call(cvrapi, fake_api):
    with pytest.raises(InvalidCvr):
        cvrapi.search("13585627")
    with pytest.raises(InvalidCvr):
        cvrapi.get("1234567")
    assert fake_api.calls == []


def test_cvrapi_without_token(httpserver, fake_api):
    client = CvrApiDkClient(base_url=httpserver.url_for("/"), user_agent=USER_AGENT)
    assert client.get("13585628")["cvr"] == "13585628"
    call = fake_api.calls[0]
    assert "token" not in call["args"]
    assert call["headers"]["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    "user_agent",
    [
        None,
        "tracelink_crm - CVR lookup (Odoo addon)",
        "Tracelink CRM - customer lookup - Søster ApS",
        "Tracelink CRM – customer lookup – it@example.dk",
        "Tracelink CRM - customer lookup - it@exämple.dk",
        "Tracelink CRM - - it@example.dk",
    ],
)
def test_cvrapi_user_agent_without_contact_is_refused_before_any_call(
    httpserver, fake_api, user_agent
):
    # The service answers QUOTA_EXCEEDED to these (spending quota); a header
    # outside ASCII cannot even be sent.
    client = CvrApiDkClient(base_url=httpserver.url_for("/"), user_agent=user_agent)
    with pytest.raises(InvalidUserAgent):
        client.get("13585628")
    assert fake_api.calls == []


def test_cvrapi_stand_in_refuses_a_user_agent_without_contact(httpserver, fake_api):
    answer = requests.get(
        httpserver.url_for("/api"),
        params={"vat": "13585628"},
        headers={"User-Agent": "Tracelink CRM - customer lookup"},
    )
    assert answer.json()["error"] == "QUOTA_EXCEEDED"


def test_cvrapi_invalid_ua_answer(httpserver, fake_api):
    client = CvrApiDkClient(
        base_url=httpserver.url_for("/"), user_agent="curl/8.0 - test - it@example.dk"
    )
    with pytest.raises(InvalidUserAgent) as info:
        client.get("13585628")
    assert info.value.code == "INVALID_UA"
    assert len(fake_api.calls) == 1


def test_cvrapi_unknown_company(cvrapi, fake_api):
    with pytest.raises(NotFound) as info:
        cvrapi.get("29910251")
    assert info.value.code == "NOT_FOUND"
    # The service's answer: HTTP 404 with a body without "message".
    assert info.value.status == 404
    assert info.value.message == "cvrapi.dk answered NOT_FOUND."
    with pytest.raises(NotFound):
        cvrapi.search("Findes Ikke ApS")


@pytest.mark.parametrize(
    ("code", "exception_class"),
    [
        ("QUOTA_EXCEEDED", QuotaExceeded),
        ("BANNED", Banned),
        ("NOT_FOUND", NotFound),
        ("INVALID_VAT", InvalidRequest),
        ("INVALID_UA", InvalidUserAgent),
        ("INTERNAL_ERROR", ServiceUnavailable),
        ("BRAND_NEW_ERROR", ServiceError),
    ],
)
@pytest.mark.parametrize("http_status", [200, 404, 429, 500])
def test_cvrapi_error_bodies(
    cvrapi, fake_api, sleeps, code, exception_class, http_status
):
    fake_api.set_mode(code, error_status=http_status)
    with pytest.raises(ServiceError) as info:
        cvrapi.get("13585628")
    exc = info.value
    assert type(exc) is exception_class
    assert exc.code == code
    # the body's message is kept (the fixture's; NOT_FOUND has none)
    body = fake_api.error_body(code).get_json()
    assert exc.message == body.get("message", f"cvrapi.dk answered {code}.")
    assert exc.status == (http_status if http_status >= 400 else None)
    # A body error is a final answer: never retried (retrying burns quota).
    assert len(fake_api.calls) == 1
    assert sleeps == []
    _assert_no_secret(exc, TOKEN)


def test_cvrapi_requires_user_agent_in_fake(httpserver, fake_api):
    # The fake, like the service, punishes anonymous clients; a plain
    # requests call proves the client's header is what keeps it working.
    answer = requests.get(httpserver.url_for("/api"), params={"vat": "13585628"})
    assert answer.json()["error"] == "QUOTA_EXCEEDED"


def test_cvrapi_http_502_is_retried_then_unavailable(cvrapi, fake_api, sleeps):
    fake_api.set_mode("http_502")
    with pytest.raises(ServiceUnavailable) as info:
        cvrapi.get("13585628")
    assert info.value.status == 502
    assert info.value.code is None
    assert len(fake_api.calls) == 3  # 1 + max_retries
    assert sleeps == [0.5, 1.0]  # exponential backoff


def test_cvrapi_http_503_once_then_success(cvrapi, fake_api, sleeps):
    fake_api.set_mode("http_503", times=1)
    assert cvrapi.get("13585628")["cvr"] == "13585628"
    assert len(fake_api.calls) == 2
    assert sleeps == [0.5]


@pytest.mark.parametrize("status", [401, 403])
def test_cvrapi_http_auth_errors(cvrapi, fake_api, sleeps, status):
    fake_api.set_mode(f"http_{status}")
    with pytest.raises(AuthenticationFailed) as info:
        cvrapi.get("13585628")
    assert info.value.status == status
    assert len(fake_api.calls) == 1
    assert sleeps == []
    _assert_no_secret(info.value, TOKEN)


def test_cvrapi_429_with_retry_after_is_retried_then_succeeds(cvrapi, fake_api, sleeps):
    fake_api.set_mode("http_429", times=1, retry_after=7)
    assert cvrapi.search("13585628")[0]["cvr"] == "13585628"
    assert len(fake_api.calls) == 2
    assert sleeps == [7.0]


def test_cvrapi_429_with_http_date_retry_after(cvrapi, fake_api, sleeps):
    when = datetime.now(timezone.utc) + timedelta(seconds=5)
    fake_api.set_mode(
        "http_429", times=1, retry_after=format_datetime(when, usegmt=True)
    )
    assert cvrapi.get("13585628")["cvr"] == "13585628"
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 6


def test_cvrapi_429_with_unreadable_retry_after_backs_off(cvrapi, fake_api, sleeps):
    # urllib3's own parser would raise InvalidHeader out of the request.
    fake_api.set_mode("http_429", times=1, retry_after="soon")
    assert cvrapi.get("13585628")["cvr"] == "13585628"
    assert len(fake_api.calls) == 2
    assert sleeps == [0.5]


def test_cvrapi_429_without_retry_after_is_final(cvrapi, fake_api, sleeps):
    # The quota of cvrapi.dk is per day: asking again at once only burns it.
    fake_api.set_mode("http_429")
    with pytest.raises(QuotaExceeded) as info:
        cvrapi.get("13585628")
    assert info.value.status == 429
    assert info.value.retry_after is None
    assert len(fake_api.calls) == 1
    assert sleeps == []


def test_cvrapi_plain_http_500_is_final(cvrapi, fake_api, sleeps):
    fake_api.set_mode("http_500")
    with pytest.raises(ServiceUnavailable) as info:
        cvrapi.get("13585628")
    assert info.value.status == 500
    assert len(fake_api.calls) == 1
    assert sleeps == []


def test_cvrapi_429_with_long_retry_after_is_not_waited_for(cvrapi, fake_api, sleeps):
    fake_api.set_mode("http_429", retry_after=3600)
    with pytest.raises(QuotaExceeded) as info:
        cvrapi.get("13585628")
    assert info.value.retry_after == 3600
    assert len(fake_api.calls) == 1
    assert sleeps == []


def test_cvrapi_max_retries_zero(httpserver, fake_api, sleeps):
    client = CvrApiDkClient(
        base_url=httpserver.url_for("/"),
        max_retries=0,
        sleep=sleeps.append,
        user_agent=USER_AGENT,
    )
    fake_api.set_mode("http_502")
    with pytest.raises(ServiceUnavailable):
        client.get("13585628")
    assert len(fake_api.calls) == 1
    assert sleeps == []


def test_cvrapi_slow_answer_times_out(httpserver, fake_api, sleeps):
    client = CvrApiDkClient(
        base_url=httpserver.url_for("/"),
        timeout=0.3,
        sleep=sleeps.append,
        user_agent=USER_AGENT,
    )
    fake_api.set_mode("slow", delay=1)
    with pytest.raises(ServiceTimeout) as info:
        client.get("13585628")
    assert isinstance(info.value, ServiceUnavailable)
    # The user already waited: a timeout is not retried.
    assert len(fake_api.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("mode", ["invalid_json", "not_object", "missing_fields"])
def test_cvrapi_malformed_answers(cvrapi, fake_api, sleeps, mode):
    fake_api.set_mode(mode)
    with pytest.raises(MalformedResponse):
        cvrapi.get("13585628")
    assert sleeps == []


def test_cvrapi_answer_for_another_company_is_malformed(httpserver, cvrapi):
    FakeCvrApi({"13585628": CVRAPI_COMPANIES["22756214"]}).install(httpserver)
    with pytest.raises(MalformedResponse):
        cvrapi.get("13585628")


def test_cvrapi_connection_refused(closed_port_url, sleeps):
    client = CvrApiDkClient(
        base_url=closed_port_url,
        timeout=2,
        token=TOKEN,
        sleep=sleeps.append,
        user_agent=USER_AGENT,
    )
    with pytest.raises(ServiceUnavailable) as info:
        client.get("13585628")
    assert type(info.value) is ServiceUnavailable
    assert sleeps == [0.5, 1.0]
    _assert_no_secret(info.value, TOKEN)


def test_cvrapi_logs_path_without_token(cvrapi, fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    fake_api.set_mode("http_502", times=1)
    cvrapi.get("13585628")
    ours = [
        r
        for r in caplog.records
        if r.name.startswith("odoo.addons.tracelink_cvr.tools")
    ]
    assert any("/api" in r.getMessage() for r in ours)
    assert any("retry 1/2" in r.getMessage() for r in ours)
    assert not any(TOKEN in r.getMessage() for r in ours)


# ---------------------------------------------------------------------------
# CVR distribution (virk)
# ---------------------------------------------------------------------------


def test_virk_get_by_number(virk, fake_virk):
    company = virk.get("DK22756214")
    assert tuple(company) == COMPANY_KEYS
    assert company["provider"] == "virk"
    assert company["name"] == "Fjordlys Rådgivning A/S"
    assert company["street"] == "Havnegade 12, 2. tv"
    assert company["protected"] is True
    [call] = fake_virk.calls
    assert call["method"] == "POST"
    assert call["path"] == "/cvr-permanent/virksomhed/_search"
    assert call["headers"]["Authorization"].startswith("Basic ")
    assert call["json"]["query"] == {"term": {"Vrvirksomhed.cvrNummer": 22756214}}
    # only the fields the mapping reads, not the 23-110 KB documents
    assert "Vrvirksomhed" not in call["json"]["_source"]
    assert "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn" in call["json"]["_source"]
    assert set(fake_virk.last_source["Vrvirksomhed"]) == {
        "cvrNummer",
        "reklamebeskyttet",
        "livsforloeb",
        "virksomhedMetadata",
    }


def test_virk_search_by_name_returns_several_hits(virk, fake_virk):
    companies = virk.search("eksempel", limit=5)
    assert [c["cvr"] for c in companies] == ["13585628", "28271026"]
    body = fake_virk.calls[0]["json"]
    assert body["size"] == 5
    [prefix, exact] = body["query"]["bool"]["should"]
    name = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"
    assert prefix["match_phrase_prefix"][name]["query"] == "eksempel"
    assert exact["match_phrase"][name] == {"query": "eksempel", "boost": 10}


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Maskin", ["13585628"]),  # as typed: the start of a word
        ("eksempel mask", ["13585628"]),
        ("ksempel", []),  # whole words only: no substrings
        ("Maskinfabrik Eksempel", []),  # a phrase: the words in order
    ],
)
def test_virk_name_search_matches_words_as_typed(virk, fake_virk, term, found):
    if found:
        assert [c["cvr"] for c in virk.search(term)] == found
    else:
        with pytest.raises(NotFound):
            virk.search(term)


def test_virk_stand_in_match_is_whole_words_only(httpserver, fake_virk):
    name = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"
    answer = requests.post(
        httpserver.url_for("/cvr-permanent/virksomhed/_search"),
        json={"query": {"match": {name: {"query": "Maskin"}}}},
        auth=(USERNAME, PASSWORD),
    )
    assert answer.json()["hits"]["total"] == 0


def test_virk_ranks_ceased_and_troubled_companies_last(httpserver, sleeps):
    companies = {
        cvr: copy.deepcopy(VIRK_COMPANIES["13585628"]) for cvr in ("A", "B", "C")
    }
    for (cvr, document), status in zip(
        companies.items(), ["Ophørt", "UNDER KONKURS", "NORMAL"], strict=True
    ):
        document["cvrNummer"] = cvr
        document["virksomhedMetadata"]["sammensatStatus"] = status
    FakeVirk(companies, username=USERNAME, password=PASSWORD).install(httpserver)
    # The stand-in answers in its own order; the client ranks the living first.
    client = VirkDistributionClient(
        base_url=httpserver.url_for("/"), username=USERNAME, password=PASSWORD
    )
    states = [c["state"] for c in client.search("Eksempel")]
    assert states == ["active", "bankruptcy", "ceased"]


def test_virk_result_window_too_large_is_not_retried(virk, fake_virk, sleeps):
    fake_virk.max_result_window = 5
    with pytest.raises(ServiceUnavailable) as info:
        virk.search("Eksempel", limit=10)
    assert info.value.status == 500
    assert len(fake_virk.calls) == 1
    assert sleeps == []


def test_virk_search_respects_limit(virk, fake_virk):
    assert len(virk.search("Eksempel", limit=1)) == 1
    assert fake_virk.calls[0]["json"]["size"] == 1


def test_virk_search_is_case_insensitive(virk, fake_virk):
    [company] = virk.search("EKSEMPEL transport")
    assert company["cvr"] == "28271026"
    assert company["street2"] == "c/o Eksempel Holding ApS"


def test_virk_search_by_number_uses_term_query(virk, fake_virk):
    [company] = virk.search("10150817")
    assert company["state"] == "ceased"
    assert "term" in fake_virk.calls[0]["json"]["query"]


def test_virk_zero_hits_is_not_found(virk, fake_virk):
    with pytest.raises(NotFound):
        virk.search("Findes Ikke")
    with pytest.raises(NotFound):
        virk.get("39090325")


def test_virk_wrong_password(httpserver, fake_virk, sleeps):
    client = VirkDistributionClient(
        base_url=httpserver.url_for("/"),
        username=USERNAME,
        password="pw-WRONG-SECRET",
        sleep=sleeps.append,
    )
    with pytest.raises(AuthenticationFailed) as info:
        client.get("13585628")
    assert info.value.status == 401
    assert len(fake_virk.calls) == 1
    assert sleeps == []
    _assert_no_secret(info.value, "pw-WRONG-SECRET", USERNAME)


def test_virk_missing_credentials_make_no_call(httpserver, fake_virk):
    client = VirkDistributionClient(base_url=httpserver.url_for("/"))
    with pytest.raises(AuthenticationFailed):
        client.search("Eksempel")
    assert fake_virk.calls == []


def test_virk_http_403(virk, fake_virk):
    fake_virk.set_mode("http_403")
    with pytest.raises(AuthenticationFailed) as info:
        virk.get("13585628")
    assert info.value.status == 403
    _assert_no_secret(info.value, PASSWORD)


@pytest.mark.parametrize("mode", ["http_500", "http_502"])
def test_virk_search_post_is_never_retried(virk, fake_virk, sleeps, mode):
    fake_virk.set_mode(mode, times=1)
    with pytest.raises(ServiceUnavailable) as info:
        virk.get("13585628")
    assert info.value.status == int(mode[-3:])
    assert len(fake_virk.calls) == 1
    assert sleeps == []


def test_virk_429_with_retry_after_is_not_retried(virk, fake_virk, sleeps):
    fake_virk.set_mode("http_429", times=1, retry_after=2)
    with pytest.raises(QuotaExceeded) as info:
        virk.get("13585628")
    assert info.value.retry_after == 2
    assert len(fake_virk.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize("mode", ["missing_hits", "invalid_json", "not_object"])
def test_virk_malformed_answers(virk, fake_virk, mode):
    fake_virk.set_mode(mode)
    with pytest.raises(MalformedResponse):
        virk.get("13585628")


def test_virk_rejected_query_keeps_elasticsearch_reason(virk, fake_virk):
    virk.name_field = "Vrvirksomhed.unknown"
    with pytest.raises(InvalidRequest) as info:
        virk.search("Eksempel")
    assert info.value.status == 400
    assert "no [query] registered" in info.value.message  # the fixture's reason


def test_virk_slow_answer_times_out(httpserver, fake_virk, sleeps):
    client = VirkDistributionClient(
        base_url=httpserver.url_for("/"),
        timeout=0.3,
        username=USERNAME,
        password=PASSWORD,
        sleep=sleeps.append,
    )
    fake_virk.set_mode("slow", delay=1)
    with pytest.raises(ServiceTimeout):
        client.search("eksempel")
    assert len(fake_virk.calls) == 1


def test_virk_connection_refused(closed_port_url, sleeps):
    client = VirkDistributionClient(
        base_url=closed_port_url,
        username=USERNAME,
        password=PASSWORD,
        sleep=sleeps.append,
    )
    with pytest.raises(ServiceUnavailable) as info:
        client.get("13585628")
    assert len(sleeps) == 2
    _assert_no_secret(info.value, PASSWORD)


# ---------------------------------------------------------------------------
# The provider layer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["cvrapi", "virk"])
def test_every_call_has_the_explicit_timeout(code, sleeps, monkeypatch):
    sent = []

    def send(adapter, request, **kwargs):
        sent.append(kwargs)
        raise requests.ConnectionError(f"refused: {request.url}")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    client = PROVIDERS[code](
        base_url="https://cvr.invalid",
        timeout=4.5,
        sleep=sleeps.append,
        **(
            {"username": "u", "password": "p"}
            if code == "virk"
            else {"user_agent": USER_AGENT}
        ),
    )
    with pytest.raises(ServiceUnavailable):
        client.get("13585628")
    assert sent
    assert all(kwargs["timeout"] == 4.5 for kwargs in sent)


def test_providers_and_their_defaults():
    assert set(PROVIDERS) == {"cvrapi", "virk"}
    for code, provider_class in PROVIDERS.items():
        assert provider_class.code == code
        assert issubclass(provider_class, CvrProvider)
    client = CvrApiDkClient(token="t")
    assert client.base_url == "https://cvrapi.dk"
    assert VirkDistributionClient().base_url == "https://distribution.virk.dk"
    assert isinstance(client.session, requests.Session)
    assert client.session is not CvrApiDkClient().session


def test_unknown_option_is_rejected():
    with pytest.raises(TypeError, match="pasword"):
        VirkDistributionClient(username="u", pasword="p")
    with pytest.raises(TypeError, match="username"):
        CvrApiDkClient(username="u")


def test_search_arguments_are_checked(cvrapi, fake_api):
    with pytest.raises(InvalidRequest):
        cvrapi.search("   ")
    with pytest.raises(ValueError):
        cvrapi.search("Eksempel", limit=0)
    assert fake_api.calls == []


def test_fakes_work_without_the_fixture():
    fake_api, fake_virk = FakeCvrApi(), FakeVirk()
    server = start_fake_server(fake_api, fake_virk)
    try:
        base_url = server.url_for("/")
        cvrapi = CvrApiDkClient(base_url=base_url, user_agent=USER_AGENT)
        assert cvrapi.get("13585628")["cvr"] == "13585628"
        virk_client = VirkDistributionClient(
            base_url=base_url, username=fake_virk.username, password=fake_virk.password
        )
        assert len(virk_client.search("eksempel")) == 2
        assert len(fake_api.calls) == len(fake_virk.calls) == 1
    finally:
        server.stop()
    assert not server.is_running()


# ---------------------------------------------------------------------------
# Secrets in transit and in logs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "client",
    [
        VirkDistributionClient(
            base_url="http://distribution.virk.dk", username="u", password="p"
        ),
        CvrApiDkClient(
            base_url="http://cvrapi.example.dk", user_agent=USER_AGENT, token=TOKEN
        ),
    ],
    ids=["virk", "cvrapi-with-token"],
)
def test_credentials_are_never_sent_over_plain_http(client, monkeypatch):
    sent = []
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda *a, **k: sent.append(a)
    )
    with pytest.raises(InsecureAddress):
        client.get("13585628")
    assert sent == []
    _assert_no_secret(InsecureAddress("x"), TOKEN)


def test_cvrapi_without_token_may_use_plain_http(monkeypatch):
    sent = []

    def send(adapter, request, **kwargs):
        sent.append(request.url)
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    client = CvrApiDkClient(base_url="http://cvrapi.example.dk", user_agent=USER_AGENT)
    with pytest.raises(ServiceUnavailable):
        client.get("13585628")
    assert sent


def test_token_is_in_no_log_line(cvrapi, fake_api, caplog):
    caplog.set_level(logging.DEBUG)
    fake_api.set_mode("http_502", times=1)
    cvrapi.get("13585628")
    with pytest.raises(NotFound):
        cvrapi.get("29910251")
    # werkzeug's lines are the stand-in server's, not ours
    ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]
    assert any("urllib3" in r.name for r in caplog.records)
    assert any("token=***" in message for message in ours)
    assert not any(TOKEN in message for message in ours)


def test_virk_credentials_outside_latin_1(httpserver):
    fake = FakeVirk(username="søren", password="pris€-Łódź").install(httpserver)
    client = VirkDistributionClient(
        base_url=httpserver.url_for("/"), username="søren", password="pris€-Łódź"
    )
    assert client.get("13585628")["cvr"] == "13585628"
    assert len(fake.calls) == 1


# ---------------------------------------------------------------------------
# The CVR watch on the CVR distribution: changed since, in batches, by scroll
# ---------------------------------------------------------------------------


def test_virk_changed_asks_for_the_numbers_changed_since(virk, fake_virk):
    fake_virk.change(
        "22756214", "2026-12-01T10:00:00.000+01:00", status="UNDER KONKURS"
    )
    since = datetime(2026, 12, 1, 8, 30)
    found = virk.changed(["13585628", "22756214", "28271026"], since=since)
    assert [company["cvr"] for company in found] == ["22756214"]
    assert found[0]["state"] == "bankruptcy"
    [call] = fake_virk.calls
    assert call["args"] == {"scroll": "2m"}
    [terms, changed] = call["json"]["query"]["bool"]["filter"]
    assert terms == {
        "terms": {"Vrvirksomhed.cvrNummer": [13585628, 22756214, 28271026]}
    }
    assert changed == {
        "range": {"Vrvirksomhed.sidstOpdateret": {"gte": "2026-12-01T08:30:00.000Z"}}
    }
    # a change before the time asked for is not sent
    assert virk.changed(["22756214"], since=since + timedelta(hours=2)) == []


def test_virk_changed_reads_long_answers_by_scroll(virk, fake_virk):
    numbers = ["13585628", "22756214", "28271026", "10150817", "29910251"]
    found = virk.changed(numbers, page_size=2)
    assert sorted(company["cvr"] for company in found) == sorted(numbers[:4])
    paths = [call["path"] for call in fake_virk.calls]
    assert paths == [VirkDistributionClient.search_path, "/_search/scroll"]
    assert fake_virk.calls[1]["json"]["scroll"] == "2m"


def test_virk_changed_refuses_too_many_numbers(virk):
    with pytest.raises(ValueError):
        virk.changed([str(n) for n in range(2501)])
    assert virk.changed([]) == []


def test_virk_scroll_gone_is_an_error(virk, fake_virk):
    fake_virk.scrolls.clear()
    answer = requests.post(
        virk.base_url + "/_search/scroll",
        json={"scroll": "2m", "scroll_id": "gone"},
        auth=(USERNAME, PASSWORD),
        timeout=5,
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["type"] == "search_context_missing_exception"


def test_cvrapi_daily_quota_of_the_stand_in(cvrapi, fake_api):
    fake_api.new_day(quota=1)
    assert cvrapi.get("13585628")["cvr"] == "13585628"
    with pytest.raises(QuotaExceeded):
        cvrapi.get("22756214")
    fake_api.new_day()
    fake_api.change("22756214", enddate="30/11 - 2026")
    assert cvrapi.get("22756214")["state"] == "ceased"
