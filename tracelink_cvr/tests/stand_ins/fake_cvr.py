"""Local stand-ins for the CVR services, for tests and demos.

:class:`FakeCvrApi` answers like cvrapi.dk (``GET /api``) and
:class:`FakeVirk` like the CVR distribution of Erhvervsstyrelsen
(``POST /cvr-permanent/virksomhed/_search``). Both are werkzeug request
handlers registered on a ``pytest_httpserver.HTTPServer``::

    server = start_fake_server(fake_api := FakeCvrApi(), fake_virk := FakeVirk())
    base_url = server.url_for("/")      # give it to the client / the settings
    fake_api.mode = "QUOTA_EXCEEDED"    # the next answers are that error
    ...
    server.stop()

or with the ``httpserver`` fixture of pytest-httpserver:
``FakeCvrApi().install(httpserver)``.

Each fake records the requests it received in ``calls`` (method, path, query
arguments, headers, JSON body), so a test can assert that a cached answer made
no call. ``mode`` makes it answer an error instead of the data (``mode_times``
limits that to the next N calls):

* ``"slow"``: wait ``delay`` seconds, then answer normally;
* ``"invalid_json"``: HTTP 200 with a body that is not JSON;
* ``"not_object"``: HTTP 200 with a JSON list;
* ``"http_<status>"`` (e.g. ``"http_500"``, ``"http_429"``): that status with
  an HTML body, and a Retry-After header when ``retry_after`` is set;
* FakeCvrApi: ``"missing_fields"`` (a JSON object without ``vat``/``name``)
  and any other upper-case word, e.g. ``"QUOTA_EXCEEDED"``, ``"BANNED"``,
  ``"INTERNAL_ERROR"``, ``"NOT_FOUND"``, ``"INVALID_VAT"``, ``"INVALID_UA"``:
  the service's JSON error body (``fixtures/cvrapi/error_*.json`` where there
  is one) with HTTP ``error_status`` (unset: 404 for NOT_FOUND, else 200: the
  service's statuses for its other errors are not documented);
* FakeVirk: ``"missing_hits"`` (a JSON object without ``hits``).

Real behaviours reproduced by default: cvrapi.dk answers with numbers as
numbers and dates as ``"29/12 - 1997"``, NOT_FOUND as HTTP 404 without
``message``, QUOTA_EXCEEDED to a User-Agent that is not "application -
purpose - contact" and INVALID_UA to a generic one (curl, Wget, Mozilla),
and matches names by whole words. The CVR distribution answers ``match`` with
whole words only, ``match_phrase``/``match_phrase_prefix`` (also in
``bool.should``) as Elasticsearch does, honours ``_source`` includes, and
answers a window beyond ``max_result_window`` with HTTP 500 "Result window
is too large".

The sample companies are invented; their CVR numbers have a valid check digit.
Only ``start_fake_server`` and running this file need pytest-httpserver.
"""

import copy
import json
import re
import time
from datetime import datetime
from pathlib import Path

from werkzeug.wrappers import Response

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name):
    """The parsed JSON of ``fixtures/<name>`` (e.g. ``"cvrapi/company.json"``)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# Sample companies, in the format of each service
# ---------------------------------------------------------------------------

CVRAPI_COMPANIES = {
    "13585628": {
        "vat": 13585628,
        "name": "Eksempel Maskinfabrik ApS",
        "address": "Industrivej 4",
        "zipcode": 7100,
        "city": "Vejle",
        "cityname": None,
        "protected": False,
        "phone": 75000000,
        "email": "info@maskinfabrik.example.dk",
        "fax": None,
        "startdate": "01/02 - 2010",
        "enddate": None,
        "employees": "10-19",
        "addressco": None,
        "industrycode": 282900,
        "industrydesc": "Fremstilling af andre maskiner til generelle formål",
        "companycode": 80,
        "companydesc": "Anpartsselskab",
        "creditstartdate": None,
        "creditbankrupt": False,
        "creditstatus": None,
        "owners": None,
        "productionunits": [
            {
                "pno": 1012345678,
                "main": True,
                "name": "Eksempel Maskinfabrik ApS",
                "address": "Industrivej 4",
                "zipcode": 7100,
                "city": "Vejle",
                "protected": False,
                "phone": 75000000,
                "email": "info@maskinfabrik.example.dk",
                "startdate": "01/02 - 2010",
                "enddate": None,
                "industrycode": 282900,
                "industrydesc": "Fremstilling af andre maskiner til generelle formål",
            }
        ],
        "t": 100,
        "version": 6,
    },
    "22756214": {
        "vat": 22756214,
        "name": "Fjordlys Rådgivning A/S",
        "address": "Havnegade 12, 2. tv",
        "zipcode": 5000,
        "city": "Odense C",
        "cityname": None,
        "protected": True,
        "phone": 66000000,
        "email": "kontakt@fjordlys.example.dk",
        "fax": None,
        "startdate": "17/05 - 1999",
        "enddate": None,
        "employees": "5-9",
        "addressco": None,
        "industrycode": 702200,
        "industrydesc": "Virksomhedsrådgivning og anden rådgivning om driftsledelse",
        "companycode": 60,
        "companydesc": "Aktieselskab",
        "creditstartdate": None,
        "creditbankrupt": False,
        "creditstatus": None,
        "owners": None,
        "productionunits": [],
        "t": 100,
        "version": 6,
    },
    "10150817": {
        "vat": 10150817,
        "name": "Nordvind Bageri I/S",
        "address": "Bygaden 7B",
        "zipcode": 8830,
        "city": "Tjele",
        "cityname": None,
        "protected": False,
        "phone": None,
        "email": None,
        "fax": None,
        "startdate": "01/03 - 1985",
        "enddate": "30/06 - 2021",
        "employees": None,
        "addressco": None,
        "industrycode": 107120,
        "industrydesc": "Bagerier, brødfabrikker og konditorier",
        "companycode": 30,
        "companydesc": "Interessentskab",
        "creditstartdate": None,
        "creditbankrupt": False,
        "creditstatus": None,
        "owners": None,
        "productionunits": [],
        "t": 100,
        "version": 6,
    },
    "28271026": {
        "vat": 28271026,
        "name": "Eksempel Transport A/S",
        "address": "Transportvej 18-20",
        "zipcode": 6000,
        "city": "Kolding",
        "cityname": None,
        "protected": False,
        "phone": 76000000,
        "email": "ordre@transport.example.dk",
        "fax": None,
        "startdate": "01/11 - 2004",
        "enddate": None,
        "employees": "50-99",
        "addressco": "Eksempel Holding ApS",
        "industrycode": 494100,
        "industrydesc": "Vejgodstransport",
        "companycode": 60,
        "companydesc": "Aktieselskab",
        "creditstartdate": None,
        "creditbankrupt": False,
        "creditstatus": None,
        "owners": None,
        "productionunits": [],
        "t": 100,
        "version": 6,
    },
    "35000011": fixture("cvrapi/company.json"),
    "41000015": fixture("cvrapi/company_bankrupt.json"),
}


def _period(start, end=None):
    return {"gyldigFra": start, "gyldigTil": end}


def _vrvirksomhed(
    cvr,
    name,
    address,
    *,
    contacts,
    industry,
    legal_form,
    status,
    start,
    end=None,
    protected=False,
):
    """A ``Vrvirksomhed`` document as the CVR distribution holds it."""
    address = {
        "landekode": "DK",
        "husnummerTil": None,
        "bogstavTil": None,
        "etage": None,
        "sidedoer": None,
        "bogstavFra": None,
        "conavn": None,
        **address,
        "periode": _period(start),
    }
    branche = {"branchekode": industry[0], "branchetekst": industry[1]}
    form = {
        "virksomhedsformkode": legal_form[0],
        "kortBeskrivelse": legal_form[1],
        "langBeskrivelse": legal_form[2],
    }
    phones = [c for c in contacts if "@" not in c]
    emails = [c for c in contacts if "@" in c]
    return {
        "cvrNummer": cvr,
        "sidstOpdateret": f"{start}T00:00:00.000+02:00",
        "sidstIndlaest": f"{start}T00:00:00.000+02:00",
        "reklamebeskyttet": protected,
        "navne": [{"navn": name, "periode": _period(start, end)}],
        "beliggenhedsadresse": [address],
        "telefonNummer": [
            {"kontaktoplysning": p, "hemmelig": False, "periode": _period(start)}
            for p in phones
        ],
        "elektroniskPost": [
            {"kontaktoplysning": e, "hemmelig": False, "periode": _period(start)}
            for e in emails
        ],
        "hovedbranche": [{**branche, "periode": _period(start, end)}],
        "virksomhedsform": [{**form, "periode": _period(start, end)}],
        "livsforloeb": [{"periode": _period(start, end)}],
        "virksomhedMetadata": {
            "nyesteNavn": {"navn": name, "periode": _period(start, end)},
            "nyesteBeliggenhedsadresse": address,
            "nyesteHovedbranche": branche,
            "nyesteVirksomhedsform": form,
            "nyesteKontaktoplysninger": list(contacts),
            "sammensatStatus": status,
            "stiftelsesDato": start,
        },
    }


VIRK_COMPANIES = {
    "13585628": _vrvirksomhed(
        13585628,
        "Eksempel Maskinfabrik ApS",
        {
            "vejnavn": "Industrivej",
            "husnummerFra": 4,
            "postnummer": 7100,
            "postdistrikt": "Vejle",
            "kommune": {"kommuneKode": 630, "kommuneNavn": "VEJLE"},
        },
        contacts=["75000000", "info@maskinfabrik.example.dk"],
        industry=("282900", "Fremstilling af andre maskiner til generelle formål"),
        legal_form=(80, "APS", "Anpartsselskab"),
        status="NORMAL",
        start="2010-02-01",
    ),
    "22756214": _vrvirksomhed(
        22756214,
        "Fjordlys Rådgivning A/S",
        {
            "vejnavn": "Havnegade",
            "husnummerFra": 12,
            "etage": "2",
            "sidedoer": "tv",
            "postnummer": 5000,
            "postdistrikt": "Odense C",
            "kommune": {"kommuneKode": 461, "kommuneNavn": "ODENSE"},
        },
        contacts=["kontakt@fjordlys.example.dk", "66 00 00 00"],
        industry=(
            "702200",
            "Virksomhedsrådgivning og anden rådgivning om driftsledelse",
        ),
        legal_form=(60, "A/S", "Aktieselskab"),
        status="Aktiv",
        start="1999-05-17",
        protected=True,
    ),
    "10150817": _vrvirksomhed(
        10150817,
        "Nordvind Bageri I/S",
        {
            "vejnavn": "Bygaden",
            "husnummerFra": 7,
            "bogstavFra": "B",
            "postnummer": 8830,
            "postdistrikt": "Tjele",
            "kommune": {"kommuneKode": 791, "kommuneNavn": "VIBORG"},
        },
        contacts=[],
        industry=("107120", "Bagerier, brødfabrikker og konditorier"),
        legal_form=(30, "I/S", "Interessentskab"),
        status="Ophørt",
        start="1985-03-01",
        end="2021-06-30",
    ),
    "28271026": _vrvirksomhed(
        28271026,
        "Eksempel Transport A/S",
        {
            "vejnavn": "Transportvej",
            "husnummerFra": 18,
            "husnummerTil": 20,
            "conavn": "Eksempel Holding ApS",
            "postnummer": 6000,
            "postdistrikt": "Kolding",
            "kommune": {"kommuneKode": 621, "kommuneNavn": "KOLDING"},
        },
        contacts=["+45 76 00 00 00", "ordre@transport.example.dk"],
        industry=("494100", "Vejgodstransport"),
        legal_form=(60, "A/S", "Aktieselskab"),
        status="NORMAL",
        start="2004-11-01",
    ),
}


def _words(text):
    return re.findall(r"\w+", (text or "").lower())


def _name_matches(name, term):
    """Like an analysed ``match`` with operator "and": every word of the term
    is a whole word of the name (no substrings), case-insensitive."""
    words = _words(term)
    return bool(words) and set(words) <= set(_words(name))


def _phrase_matches(name, term):
    """Like ``match_phrase``: the words of the term follow each other in the
    name, each a whole word."""
    return f" {' '.join(_words(term))} " in f" {' '.join(_words(name))} "


def _phrase_prefix_matches(name, term):
    """Like ``match_phrase_prefix``: the words of the term follow each other
    in the name, the last one as the start of a word."""
    words, name_words = _words(term), _words(name)
    if not words:
        return False
    *whole, last = words
    for start in range(len(name_words) - len(words) + 1):
        window = name_words[start : start + len(words)]
        if window[:-1] == whole and window[-1].startswith(last):
            return True
    return False


def _name_rank(name, term):
    """Sort key putting names that start with the term first."""
    return (not name.lower().startswith(term.lower()), name.lower())


def _source_filter(document, includes):
    """``document`` with only the ``_source`` paths asked for (all for True)."""
    if includes is True:
        return document
    if isinstance(includes, str):
        includes = [includes]
    kept = {}
    for path in includes:
        _merge(kept, _pick(document, path.split(".")))
    return kept


def _pick(value, keys):
    """The part of ``value`` at the path ``keys`` (lists item by item), or None."""
    if not keys:
        return value
    if isinstance(value, list):
        return [_pick(item, keys) for item in value]
    if not isinstance(value, dict) or keys[0] not in value:
        return None
    inner = _pick(value[keys[0]], keys[1:])
    return None if inner is None else {keys[0]: inner}


def _merge(target, part):
    for key, value in (part or {}).items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def _json_response(data, status=200, headers=None):
    return Response(
        json.dumps(data, ensure_ascii=False),
        status=status,
        headers=headers,
        content_type="application/json; charset=utf-8",
    )


# ---------------------------------------------------------------------------
# The fakes
# ---------------------------------------------------------------------------


class _FakeService:
    """What both fakes share: registration, call log and error modes."""

    path = None
    method = None

    def __init__(self, companies, *, mode=None, mode_times=None, delay=1.0):
        self.original = companies
        self.companies = copy.deepcopy(companies)
        self.mode = mode
        self.mode_times = mode_times  # None: the mode stays until changed
        self.delay = delay  # seconds waited in "slow" mode
        self.retry_after = None  # Retry-After header of "http_<status>" modes
        self.calls = []

    def install(self, httpserver):
        """Register the handler on a pytest_httpserver.HTTPServer."""
        httpserver.expect_request(self.path, method=self.method).respond_with_handler(
            self.handle
        )
        return self

    def set_mode(self, mode, times=None, **attributes):
        """Set the error mode, for the next ``times`` calls (all when None)."""
        self.mode = mode
        self.mode_times = times
        for name, value in attributes.items():
            setattr(self, name, value)
        return self

    def reset(self):
        self.mode = None
        self.mode_times = None
        self.calls.clear()

    def restore(self):
        """The companies as they were before any ``change``."""
        self.companies = copy.deepcopy(self.original)

    def handle(self, request):
        self.calls.append(
            {
                "method": request.method,
                "path": request.path,
                "args": request.args.to_dict(),
                "headers": dict(request.headers),
                "json": request.get_json(silent=True),
            }
        )
        mode = self._take_mode()
        if mode == "slow":
            time.sleep(self.delay)
        elif mode:
            response = self.error_response(mode)
            if response is not None:
                return response
        return self.answer(request)

    def _take_mode(self):
        mode = self.mode
        if mode and self.mode_times is not None:
            self.mode_times -= 1
            if self.mode_times <= 0:
                self.mode = None
                self.mode_times = None
        return mode

    def error_response(self, mode):
        """The answer for an error mode, or None to answer normally."""
        if mode == "invalid_json":
            return Response(
                '{"vat": 13585628, "name": ', content_type="application/json"
            )
        if mode == "not_object":
            return _json_response([{"vat": 13585628}])
        if mode.startswith("http_"):
            status = int(mode[len("http_") :])
            headers = {}
            if self.retry_after is not None:
                headers["Retry-After"] = str(self.retry_after)
            return Response(
                f"<html><body><h1>Error {status}</h1></body></html>",
                status=status,
                headers=headers,
                content_type="text/html",
            )
        raise ValueError(f"{type(self).__name__}: unknown mode {mode!r}")

    def answer(self, request):
        raise NotImplementedError


class FakeCvrApi(_FakeService):
    """cvrapi.dk: ``GET /api?country=dk&vat=...|search=...``, one company.

    ``companies`` maps CVR numbers (str) to raw cvrapi answers. Like the real
    service, a request without a descriptive User-Agent (empty, or the
    default of python-requests) gets QUOTA_EXCEEDED while
    ``strict_user_agent`` is True.
    """

    path = "/api"
    method = "GET"

    def __init__(self, companies=None, **kwargs):
        super().__init__(CVRAPI_COMPANIES if companies is None else companies, **kwargs)
        # HTTP status of the JSON error answers (None: the service's own)
        self.error_status = None
        self.strict_user_agent = True
        # look-ups left today (None: no limit): the free quota per address;
        # then QUOTA_EXCEEDED, as the service answers, until new_day()
        self.quota = None

    def new_day(self, quota=None):
        """A new day: ``quota`` look-ups (None: no limit) and no calls yet."""
        self.quota = quota
        self.calls.clear()

    def change(self, cvr, **values):
        """The register changes company ``cvr``: its cvrapi.dk fields
        ``values`` (e.g. ``creditbankrupt=True, creditstatus="Under
        konkurs"``, ``enddate="30/06 - 2026"``, ``protected=True``)."""
        self.companies[cvr].update(values)

    def error_body(self, code, message=None, status=None):
        """The service's error answer: the fixture body of ``code`` when there
        is one (NOT_FOUND: HTTP 404, no message), else a made-up one."""
        path = FIXTURES / "cvrapi" / f"error_{code.lower()}.json"
        if path.exists():
            body = json.loads(path.read_text(encoding="utf-8"))
        else:
            body = {"error": code, "message": f"{code} (fake)", "version": 6}
        if message:
            body["message"] = message
        if status is None:
            status = self.error_status or (404 if code == "NOT_FOUND" else 200)
        return _json_response(body, status=status)

    def error_response(self, mode):
        if mode == "missing_fields":
            return _json_response({"version": 6, "t": 100})
        if mode.isupper():
            return self.error_body(mode)
        return super().error_response(mode)

    def answer(self, request):
        user_agent = request.headers.get("User-Agent", "")
        if self.strict_user_agent:
            if user_agent.split("/")[0].lower() in ("curl", "wget", "mozilla"):
                return self.error_body("INVALID_UA")
            parts = [part.strip() for part in user_agent.split(" - ")]
            if len(parts) < 3 or not all(parts) or not re.search(r"[@.]", parts[-1]):
                return self.error_body(
                    "QUOTA_EXCEEDED", "Describe yourself in the User-Agent header."
                )
        if self.quota is not None:
            if self.quota <= 0:
                return self.error_body("QUOTA_EXCEEDED")
            self.quota -= 1
        args = request.args
        if args.get("country", "dk").lower() != "dk":
            return self.error_body("INVALID_COUNTRY")
        vat = args.get("vat")
        if vat is not None:
            if not (len(vat) == 8 and vat.isdigit()):
                return self.error_body("INVALID_VAT", "Invalid VAT number")
            company = self.companies.get(vat)
        else:
            term = (args.get("search") or args.get("name") or "").strip()
            if not term:
                return self.error_body("INVALID_SEARCH", "Missing search")
            company = self.companies.get(term.replace(" ", ""))
            if company is None:
                names = sorted(
                    (
                        c
                        for c in self.companies.values()
                        if _name_matches(c["name"], term)
                    ),
                    key=lambda c: _name_rank(c["name"], term),
                )
                company = names[0] if names else None
        if company is None:
            return self.error_body("NOT_FOUND")
        return _json_response(company)


class FakeVirk(_FakeService):
    """The CVR distribution's ElasticSearch endpoint, behind HTTP Basic auth.

    Understands the queries the client sends: ``term`` on
    ``Vrvirksomhed.cvrNummer`` and ``match`` on the latest name (every word,
    case-insensitive, as part of the name), honouring ``size``.
    """

    path = "/cvr-permanent/virksomhed/_search"
    scroll_path = "/_search/scroll"
    method = "POST"
    number_field = "Vrvirksomhed.cvrNummer"
    changed_field = "Vrvirksomhed.sidstOpdateret"
    name_field = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"

    def __init__(
        self, companies=None, *, username="tracelink", password="s3cret", **kw
    ):
        super().__init__(VIRK_COMPANIES if companies is None else companies, **kw)
        self.username = username
        self.password = password
        self.max_result_window = 3000
        self.last_source = None  # the _source of the last hit sent
        self.scrolls = {}  # scroll id -> (documents left, _source, page size)

    def install(self, httpserver):
        super().install(httpserver)
        httpserver.expect_request(
            self.scroll_path, method=self.method
        ).respond_with_handler(self.handle)
        return self

    def change(self, cvr, at, *, status=None, name=None, protected=None, **address):
        """The register changes company ``cvr`` at ``at`` (ISO text with
        time zone, the ``sidstOpdateret`` it gets): its status text
        (``sammensatStatus``, e.g. "UNDER KONKURS"), name, advertising
        protection or address fields (``vejnavn``, ``postnummer``...)."""
        document = self.companies[cvr]
        meta = document["virksomhedMetadata"]
        if status is not None:
            meta["sammensatStatus"] = status
            document["virksomhedsstatus"] = [{"status": status, "periode": {}}]
        if name is not None:
            meta["nyesteNavn"]["navn"] = name
        if protected is not None:
            document["reklamebeskyttet"] = protected
        if address:
            meta["nyesteBeliggenhedsadresse"] = {
                **meta["nyesteBeliggenhedsadresse"],
                **address,
            }
        document["sidstOpdateret"] = document["sidstIndlaest"] = at

    @staticmethod
    def es_error(status, error_type, reason, headers=None):
        body = {
            "error": {
                "root_cause": [{"type": error_type, "reason": reason}],
                "type": error_type,
                "reason": reason,
            },
            "status": status,
        }
        return _json_response(body, status=status, headers=headers)

    def error_response(self, mode):
        if mode == "missing_hits":
            return _json_response({"took": 1, "timed_out": False})
        return super().error_response(mode)

    def answer(self, request):
        auth = request.authorization
        if not (
            auth
            and auth.type == "basic"
            and auth.username == self.username
            and auth.password == self.password
        ):
            return self.es_error(
                401,
                "security_exception",
                "unable to authenticate user for REST request",
                headers={"WWW-Authenticate": 'Basic realm="security" charset="UTF-8"'},
            )
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.es_error(400, "parse_exception", "request body is required")
        if request.path == self.scroll_path:
            return self._scroll_page(body.get("scroll_id"))
        query = body.get("query") or {}
        size = body.get("size", 10)
        if body.get("from", 0) + size > self.max_result_window:
            return _json_response(fixture("virk/error_result_window.json"), 500)
        documents = self._documents(query)
        if documents is None:
            return _json_response(fixture("virk/error_parsing.json"), 400)
        source = body.get("_source", True)
        answer = self._hits(documents[:size], len(documents), source)
        if request.args.get("scroll"):
            # Elasticsearch keeps the rest of the answer for /_search/scroll
            scroll_id = f"DXF1ZXJ5QW5kRmV0Y2gBAAAAAAAA{len(self.scrolls):06d}"
            self.scrolls[scroll_id] = (documents[size:], source, size)
            answer["_scroll_id"] = scroll_id
        return _json_response(answer)

    def _scroll_page(self, scroll_id):
        if scroll_id not in self.scrolls:
            return self.es_error(
                404,
                "search_context_missing_exception",
                f"No search context found for id [{scroll_id}]",
            )
        documents, source, size = self.scrolls[scroll_id]
        self.scrolls[scroll_id] = (documents[size:], source, size)
        answer = self._hits(documents[:size], None, source)
        return _json_response({"_scroll_id": scroll_id, **answer})

    def _hits(self, documents, total, source):
        hits = [
            {
                "_index": "cvr-permanent-prod-20240101",
                "_type": "_doc",
                "_id": str(document["cvrNummer"]),
                "_score": round(10.0 / (rank + 1), 3),
                "_source": _source_filter({"Vrvirksomhed": document}, source),
            }
            for rank, document in enumerate(documents)
        ]
        if hits:
            self.last_source = hits[-1]["_source"]
        return {
            "took": 2,
            "timed_out": False,
            "hits": {
                "total": len(documents) if total is None else total,
                "max_score": hits[0]["_score"] if hits else None,
                "hits": hits,
            },
        }

    def _documents(self, query):
        """The documents a query finds, best first; None when not understood.

        ``term`` on the number; on the latest name ``match`` (whole words),
        ``match_phrase`` (boosted exact phrase) and ``match_phrase_prefix``
        (as typed), also as ``bool.should`` clauses; the living companies
        rank before the others, like the score of the real index does not.
        """
        if "terms" in query or "filter" in query.get("bool", {}):
            return self._filtered(query)
        if "term" in query and self.number_field in query["term"]:
            value = query["term"][self.number_field]
            if isinstance(value, dict):
                value = value.get("value")
            return [
                c for c in self.companies.values() if str(c["cvrNummer"]) == str(value)
            ]
        clauses = query.get("bool", {}).get("should") or [query]
        matchers = {
            "match": _name_matches,
            "match_phrase": _phrase_matches,
            "match_phrase_prefix": _phrase_prefix_matches,
        }
        found, exact = [], set()
        for clause in clauses:
            [(kind, spec)] = clause.items() if len(clause) == 1 else [(None, None)]
            if kind not in matchers or self.name_field not in spec:
                return None
            value = spec[self.name_field]
            term = value.get("query", "") if isinstance(value, dict) else str(value)
            for document in self.companies.values():
                if matchers[kind](self._name(document), term):
                    found.append(document)
                    if kind == "match_phrase":
                        exact.add(document["cvrNummer"])
        unique = {document["cvrNummer"]: document for document in found}
        return sorted(
            unique.values(),
            key=lambda c: (
                c["cvrNummer"] not in exact,
                c["virksomhedMetadata"]["sammensatStatus"] not in ("NORMAL", "Aktiv"),
                self._name(c).lower(),
            ),
        )

    def _filtered(self, query):
        """``terms`` on the numbers, alone or with a ``range`` on
        ``sidstOpdateret`` in ``bool.filter``, in index order (``_doc``)."""
        clauses = query["bool"]["filter"] if "bool" in query else [query]
        numbers, since = None, None
        for clause in clauses:
            if self.number_field in clause.get("terms", {}):
                numbers = {str(n) for n in clause["terms"][self.number_field]}
            elif self.changed_field in clause.get("range", {}):
                since = _es_time(clause["range"][self.changed_field].get("gte"))
            else:
                return None
        if numbers is None:
            return None
        return [
            document
            for number, document in self.companies.items()
            if number in numbers
            and (since is None or _es_time(document["sidstOpdateret"]) >= since)
        ]

    @staticmethod
    def _name(document):
        return document["virksomhedMetadata"]["nyesteNavn"]["navn"]


def _es_time(text):
    """An Elasticsearch date (ISO, ``Z`` or an offset) as an aware datetime."""
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def start_fake_server(*fakes, host="127.0.0.1", port=0):
    """Start a pytest_httpserver.HTTPServer with the given fakes installed.

    The caller stops it with ``server.stop()``; ``server.url_for("/")`` is the
    base URL to configure.
    """
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host=host, port=port)
    server.start()
    for fake in fakes:
        fake.install(server)
    return server


if __name__ == "__main__":
    # Demo: serve both fakes until interrupted.
    import sys

    demo_port = int(sys.argv[1]) if len(sys.argv) > 1 else 8099
    demo_virk = FakeVirk()
    demo_server = start_fake_server(FakeCvrApi(), demo_virk, port=demo_port)
    sys.stdout.write(f"Fake CVR services on {demo_server.url_for('/')}\n")
    sys.stdout.write(f"virk user: {demo_virk.username} / {demo_virk.password}\n")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo_server.stop()
