"""Clients of the Danish CVR register, cvrapi.dk and the CVR distribution:
``search(term, limit)`` and ``get(cvr)`` answer company dicts read by the
table :data:`FIELDS`; every failure is a typed exception."""

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime
from functools import partial
from typing import NamedTuple

from . import exceptions as errors
from .cvr import looks_like_cvr, normalize_cvr
from .http_client import HttpClient

# ``state`` of a company dict, in the order name searches rank them; only
# "active" needs no confirmation.
REGISTER_STATES = [
    ("active", "Active"),
    ("reconstruction", "Under Reconstruction"),
    ("bankruptcy", "Under Bankruptcy"),
    ("dissolution", "Under Compulsory Dissolution"),
    ("no_legal_effect", "Without Legal Effect"),
    ("ceased", "Ceased"),
]
_RANKS = {state: rank for rank, (state, _label) in enumerate(REGISTER_STATES)}
# Words of a status text and the state each one means.
_STATE_WORDS = {
    "konkurs": "bankruptcy",
    "rekonstruktion": "reconstruction",
    "tvangsoploesning": "dissolution",
    "retsvirkning": "no_legal_effect",
}
# Words telling that the company no longer exists: "Ophørt", "OPLØST EFTER
# KONKURS", "Tvangsopløst", "Slettet"; "Under tvangsopløsning" still lives.
_CEASED_WORDS = frozenset(
    {"ophoert", "ophort", "oploest", "oplost", "tvangsoploest", "slettet", "ceased"}
)
# Day-first dates as the registers write them: cvrapi.dk "29/12 - 1997".
_DANISH_DATE_FORMATS = ("%d/%m - %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_PHONE = re.compile(r"\+?[\d ]+")
# The watch on the CVR distribution: CVR numbers per search (``terms``), hits
# per page of its answer and how long the register keeps the page open.
WATCH_BATCH_SIZE = 2500
WATCH_PAGE_SIZE = 1000
WATCH_SCROLL = "2m"
_USER_AGENT_CONTACT = re.compile(r"[^@\s]+@[^@\s]+\.\w+|\w[\w.-]*\.[a-z]{2,}", re.I)


def parse_date(value):
    """A date from an ISO or day-first date, else None."""
    if isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = value.strip() if isinstance(value, str) else ""
    with suppress(ValueError):
        return datetime.fromisoformat(text).date()
    for date_format in _DANISH_DATE_FORMATS:
        with suppress(ValueError):
            return datetime.strptime(text, date_format).date()
    return None


def _text(value):
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _as_bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "ja")
    return bool(value)


def _dict(value):
    return value if isinstance(value, dict) else {}


def is_phone(value):
    """Digits, ``+`` and spaces, with 8 digits at least."""
    text = _text(value)
    return bool(_PHONE.fullmatch(text)) and sum(c.isdigit() for c in text) >= 8


def is_email(value):
    return "@" in _text(value)


def user_agent_problem(user_agent):
    """Why cvrapi.dk would refuse ``user_agent`` (it answers QUOTA_EXCEEDED to
    anything but "<application> - <purpose> - <contact>"), or None."""
    text = _text(user_agent)
    if not text:
        return "No User-Agent is set."
    if not text.isascii() or not text.isprintable():
        return "The User-Agent may hold plain ASCII characters only."
    parts = [part.strip() for part in text.split(" - ")]
    if len(parts) < 3 or not all(parts):
        return "The User-Agent must read “application - purpose - contact”."
    if not _USER_AGENT_CONTACT.search(parts[-1]):
        return "The User-Agent must end with an e-mail address or a website."
    return None


def register_state(status, ceased=False, bankrupt=False):
    """The ``state`` of a status text ("NORMAL", "UNDER KONKURS", "Ophørt"),
    an end and a bankruptcy flag (cvrapi.dk ``creditbankrupt``)."""
    words = re.findall(r"[a-z]+", _text(status).lower().replace("ø", "oe"))
    if ceased or _CEASED_WORDS.intersection(words):
        return "ceased"
    states = (_STATE_WORDS[word] for word in words if word in _STATE_WORDS)
    return next(states, "bankruptcy" if bankrupt else "active")


def _co_line(name):
    name = _text(name)
    return name if not name or name.lower().startswith("c/o") else f"c/o {name}"


def _cvrapi_state(status, end, bankrupt):
    # an end date cvrapi.dk writes unreadably still means ceased
    return register_state(status, bool(_text(end)), _as_bool(bankrupt))


def _virk_street(address):
    """ "Industrivej 4B, 2. tv" from a beliggenhedsadresse."""
    address = _dict(address)
    number = _text(address.get("husnummerFra")) + _text(address.get("bogstavFra"))
    number_to = _text(address.get("husnummerTil")) + _text(address.get("bogstavTil"))
    if number and number_to and number_to != number:
        number = f"{number}-{number_to}"
    street = " ".join(p for p in (_text(address.get("vejnavn")), number) if p)
    floor = _text(address.get("etage"))
    if floor.isdigit():
        floor = f"{floor}."
    unit = " ".join(p for p in (floor, _text(address.get("sidedoer"))) if p)
    return f"{street}, {unit}" if street and unit else street


def _first(kind, contacts):
    contacts = contacts if isinstance(contacts, list) else [contacts]
    return next((c for c in contacts if kind(c)), "")


def _virk_end(livsforloeb):
    """The end of the latest lifecycle period, None while it lasts."""
    periods = [_dict(_dict(entry).get("periode")) for entry in livsforloeb or []]
    latest = max(
        periods, key=lambda p: parse_date(p.get("gyldigFra")) or date.min, default={}
    )
    return parse_date(latest.get("gyldigTil"))


def _virk_state(status, livsforloeb):
    return register_state(status, bool(_virk_end(livsforloeb)))


def _legal_form(form):
    form = _dict(form)
    return _text(form.get("langBeskrivelse")) or form.get("kortBeskrivelse")


def _iso_date(value):  # as JSON fields (cache, wizard) keep it
    day = parse_date(value)
    return day.isoformat() if day else None


class Field(NamedTuple):
    """A key of the company dict, where each provider's answer has it (a
    dotted path, or paths and a function of their values; ``virk`` in a
    ``Vrvirksomhed``), the partner field it fills and how it is parsed."""

    key: str
    cvrapi: str | tuple
    virk: str | tuple
    partner: str | None = None
    parse: Callable = _text


_META = "virksomhedMetadata."
_ADDRESS = _META + "nyesteBeliggenhedsadresse"
_CONTACTS = _META + "nyesteKontaktoplysninger"
_INDUSTRY = _META + "nyesteHovedbranche."
_FORM = _META + "nyesteVirksomhedsform"
_STATUS = _META + "sammensatStatus"
_LIFE = "livsforloeb"

# A new register field is one row here; partner values and changes follow
# this order.
FIELDS = (
    Field("name", "name", _META + "nyesteNavn.navn", "name"),
    Field("street", "address", (_ADDRESS, _virk_street), "street"),
    Field("street2", "addressco", _ADDRESS + ".conavn", "street2", _co_line),
    Field("zip", "zipcode", _ADDRESS + ".postnummer", "zip"),
    Field("city", "city", _ADDRESS + ".postdistrikt", "city"),
    Field("phone", "phone", (_CONTACTS, partial(_first, is_phone)), "phone"),
    Field("email", "email", (_CONTACTS, partial(_first, is_email)), "email"),
    Field("cvr", "vat", "cvrNummer", "company_registry"),  # and vat, DK<cvr>
    Field(
        "industry_code", "industrycode", _INDUSTRY + "branchekode", "cvr_industry_code"
    ),
    Field(
        "industry_text", "industrydesc", _INDUSTRY + "branchetekst", "cvr_industry_text"
    ),
    Field("legal_form", "companydesc", (_FORM, _legal_form), "cvr_legal_form"),
    Field(
        "state",
        ("creditstatus", "enddate", "creditbankrupt", _cvrapi_state),
        (_STATUS, _LIFE, _virk_state),
        "cvr_status",
    ),
    Field("protected", "protected", "reklamebeskyttet", "cvr_protected", _as_bool),
    Field("end_date", "enddate", (_LIFE, _virk_end), parse=_iso_date),
)
COMPANY_KEYS = (*(field.key for field in FIELDS), "provider")


def _at(answer, path):
    for key in path.split("."):
        answer = _dict(answer).get(key)
    return answer


def _paths(source):
    return [source] if isinstance(source, str) else source[:-1]


def _read(answer, source):
    values = [_at(answer, path) for path in _paths(source)]
    return values[0] if isinstance(source, str) else source[-1](*values)


def company_from(provider, answer):
    company = {f.key: f.parse(_read(answer, getattr(f, provider))) for f in FIELDS}
    return {**company, "provider": provider}


def partner_values(company):
    values = {}
    for field in FIELDS:
        value = company.get(field.key) or False  # absent from older cached answers
        if field.key == "cvr":
            values["vat"] = value and f"DK{value}"
        if field.partner:
            values[field.partner] = value
    return values


class CvrProvider(HttpClient):
    """Subclasses implement ``_get(number)``, ``_search_name(term, limit)``
    and ``_check_body(payload, response)`` (the service's own error bodies)."""

    code = None
    # The registers refuse credentials with 401 or 403 alike; a 404 of the
    # service itself (not of a company) is no "unknown company".
    status_errors = {
        401: errors.AuthenticationFailed,
        403: errors.AuthenticationFailed,
        429: errors.QuotaExceeded,
    }

    def search(self, term, limit=10):
        """Candidates for a name or CVR number (validated), best first; never
        empty (NotFound)."""
        if not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive integer, not {limit!r}")
        text = _text(term)
        if not text:
            raise errors.InvalidRequest("Empty search term.")
        if looks_like_cvr(text):
            return [self.get(text)]
        companies = self._search_name(text, limit)
        return sorted(companies, key=lambda company: _RANKS[company["state"]])

    def get(self, cvr):
        """One company by CVR number (validated); NotFound when unknown."""
        number = normalize_cvr(cvr)
        company = self._get(number)
        if company["cvr"] != number:
            raise errors.MalformedResponse(
                f"{self.label} answered with company {company['cvr'] or '?'} "
                f"when asked for {number}."
            )
        return company

    def _request(self, method, path, **kwargs):
        response = self._send(method, path, **kwargs)
        payload = self._json_or_none(response)
        self._check_body(payload, response)
        error = self._error_for_status(response)
        if error is not None:
            raise error
        if not isinstance(payload, dict):
            raise errors.MalformedResponse(
                f"{self.label} sent an answer that is not a JSON object.",
                status=response.status_code,
            )
        return payload


class CvrApiDkClient(CvrProvider):
    """cvrapi.dk: no account, about 50 look-ups a day per address, a single
    match per search; ``token`` for a paid subscription."""

    code = "cvrapi"
    label = "cvrapi.dk"
    default_base_url = "https://cvrapi.dk"
    # cvrapi.dk answers its own errors in the body, also with 429 or 500:
    # final, since asking again burns quota. Only gateway failures are retried
    # (and a 429 with Retry-After).
    retry_statuses = frozenset({502, 503, 504})
    ERRORS = {
        "QUOTA_EXCEEDED": errors.QuotaExceeded,
        "BANNED": errors.Banned,
        "NOT_FOUND": errors.NotFound,
        "INVALID_VAT": errors.InvalidRequest,
        "INVALID_UA": errors.InvalidUserAgent,
        "INTERNAL_ERROR": errors.ServiceUnavailable,
    }

    def __init__(self, *args, user_agent=None, token=None, **options):
        super().__init__(*args, **options)
        self.user_agent, self.token = _text(user_agent), _text(token)
        self.sends_credentials = bool(self.token)
        self.session.headers["User-Agent"] = self.user_agent

    def _get(self, number):
        return self._ask(vat=number)

    def _search_name(self, term, limit):
        return [self._ask(search=term)]

    def _ask(self, **query):
        # Refused before any call: the service would answer QUOTA_EXCEEDED
        # (spending quota), and a non-ASCII header cannot even be sent.
        problem = user_agent_problem(self.user_agent)
        if problem:
            raise errors.InvalidUserAgent(problem)
        params = {"country": "dk", "format": "json", "version": "6", **query}
        if self.token:
            params["token"] = self.token
        answer = self._request("GET", "/api", params=params)
        if "vat" not in answer or "name" not in answer:
            raise errors.MalformedResponse(
                f"{self.label} sent an answer without company number or name."
            )
        return company_from(self.code, answer)

    def _check_body(self, payload, response):
        if isinstance(payload, dict) and payload.get("error"):
            code = _text(payload["error"]) or "ERROR"
            message = _text(payload.get("message")) or f"{self.label} answered {code}."
            status = response.status_code if response.status_code >= 400 else None
            raise self.ERRORS.get(code, errors.ServiceError)(
                message, code=code, status=status
            )


class VirkDistributionClient(CvrProvider):
    """Erhvervsstyrelsen's CVR distribution: Elasticsearch behind HTTP Basic
    auth; searches are POSTs, never sent twice."""

    code = "virk"
    label = "CVR distribution (virk.dk)"
    default_base_url = "https://distribution.virk.dk"
    sends_credentials = True
    search_path = "/cvr-permanent/virksomhed/_search"
    scroll_path = "/_search/scroll"
    name_field = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"
    # Only what FIELDS reads: a whole Vrvirksomhed is 23-110 KB.
    source_fields = sorted(
        {f"Vrvirksomhed.{p}" for f in FIELDS for p in _paths(f.virk)}
    )

    def __init__(self, *args, username=None, password=None, **options):
        super().__init__(*args, **options)
        self.username, self.password = _text(username), password or ""
        # UTF-8, not requests' Latin-1: a password with "€" must not crash.
        self.session.auth = (self.username.encode(), self.password.encode())

    def _get(self, number):
        query = {"term": {"Vrvirksomhed.cvrNummer": int(number)}}
        return self._search(query, 1, f"No company with CVR number {number}")[0]

    def _search_name(self, term, limit):
        """The analysed name matches whole words: the last word typed is a
        prefix (``match_phrase_prefix``), the exact name boosted."""
        query = {
            "bool": {
                "should": [
                    {"match_phrase_prefix": {self.name_field: {"query": term}}},
                    {"match_phrase": {self.name_field: {"query": term, "boost": 10}}},
                ],
                "minimum_should_match": 1,
            }
        }
        return self._search(query, limit, f"No company matches {term!r}")

    def changed(self, numbers, since=None, page_size=WATCH_PAGE_SIZE):
        """The company dicts of ``numbers`` (at most :data:`WATCH_BATCH_SIZE`)
        changed at or after ``since`` (UTC; None: all): one search, its long
        answer read by ``scroll``. Unknown numbers are left out."""
        if len(numbers) > WATCH_BATCH_SIZE:
            raise ValueError(f"at most {WATCH_BATCH_SIZE} numbers per search")
        if not numbers:
            return []
        query = {"terms": {"Vrvirksomhed.cvrNummer": [int(n) for n in numbers]}}
        if since:
            stamp = since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            changed = {"range": {"Vrvirksomhed.sidstOpdateret": {"gte": stamp}}}
            query = {"bool": {"filter": [query, changed]}}
        body = {"_source": self.source_fields, "size": page_size, "sort": ["_doc"]}
        params = {"scroll": WATCH_SCROLL}
        answer = self._post(self.search_path, {**body, "query": query}, params=params)
        total = _at(answer, "hits.total")
        total = _at(total, "value") if isinstance(total, dict) else total
        companies = page = self._companies(answer)
        while page and isinstance(total, int) and len(companies) < total:
            scroll_id = answer.get("_scroll_id")
            if not scroll_id:
                raise errors.MalformedResponse(
                    f"{self.label} sent a long answer without _scroll_id."
                )
            answer = self._post(
                self.scroll_path, {"scroll": WATCH_SCROLL, "scroll_id": scroll_id}
            )
            page = self._companies(answer)
            companies = companies + page
        return companies

    def _search(self, query, size, nothing_found):
        body = {"_source": self.source_fields, "size": size, "query": query}
        companies = self._companies(self._post(self.search_path, body))
        if not companies:
            raise errors.NotFound(f"{nothing_found} in {self.label}.")
        return companies

    def _post(self, path, body, **kwargs):
        if not (self.username and self.password):
            raise errors.AuthenticationFailed(f"No credentials set for {self.label}.")
        return self._request("POST", path, json=body, **kwargs)

    def _companies(self, answer):
        hits = _at(answer, "hits.hits")
        if not isinstance(hits, list):
            raise errors.MalformedResponse(f"{self.label} sent an answer without hits.")
        documents = [_at(hit, "_source.Vrvirksomhed") for hit in hits]
        if not all(isinstance(document, dict) and document for document in documents):
            raise errors.MalformedResponse(
                f"{self.label} sent a hit without Vrvirksomhed."
            )
        return [company_from(self.code, document) for document in documents]

    def _check_body(self, payload, response):
        # Elasticsearch explains a rejected query in error.reason.
        reason = _text(_at(payload, "error.reason"))
        if response.status_code in (400, 422) and reason:
            raise self._error_for_status(response, reason)


PROVIDERS = {
    CvrApiDkClient.code: CvrApiDkClient,
    VirkDistributionClient.code: VirkDistributionClient,
}
PROVIDER_SELECTION = [(code, provider.label) for code, provider in PROVIDERS.items()]
