"""HTTP clients for the Danish CVR register.

Two providers answer the same two questions behind one interface
(:class:`CvrProvider`):

* ``search(term, limit=10)``: candidates for a company name or CVR number,
  best first;
* ``get(cvr)``: one company by its CVR number.

Both return provider-neutral plain dicts (see :data:`COMPANY_KEYS`), built by
the pure functions :func:`company_from_cvrapi` and :func:`company_from_virk`,
and turn every failure into a typed exception from ``exceptions.py``.

Adding a provider means subclassing :class:`CvrProvider` (``_get``,
``_search_name``, ``_parse``), writing its mapping function and registering
it in :data:`PROVIDERS`.
"""

import re
import unicodedata
from datetime import date, datetime
from functools import partial

from .cvr import looks_like_cvr, normalize_cvr
from .exceptions import (
    AuthenticationFailed,
    Banned,
    InvalidRequest,
    InvalidUserAgent,
    MalformedResponse,
    NotFound,
    QuotaExceeded,
    ServiceError,
    ServiceUnavailable,
)
from .http_client import HttpClient

# The keys of every company dict returned by a provider.
COMPANY_KEYS = (
    "cvr",
    "name",
    "street",
    "street2",
    "zip",
    "city",
    "phone",
    "email",
    "industry_code",
    "industry_text",
    "legal_form",
    "protected",
    "ceased",
    "state",
    "status",
    "start_date",
    "end_date",
    "provider",
)

_USER_AGENT_CONTACT = re.compile(r"[^@\s]+@[^@\s]+\.\w+|\w[\w.-]*\.[a-z]{2,}", re.I)

# Where a company stands, provider-neutral (``state`` of a company dict), in
# the order name searches rank them: the living first, the ceased last. Only
# "active" is used without a confirmation.
REGISTER_STATES = (
    "active",
    "reconstruction",
    "bankruptcy",
    "dissolution",
    "no_legal_effect",
    "ceased",
)


# ---------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------

# Day-first dates as the registers write them: cvrapi.dk "29/12 - 1997".
_DANISH_DATE_FORMATS = ("%d/%m - %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
_PHONE = re.compile(r"\+?[\d ]+")
# Words of a virk status (lower case, ASCII transliterated) telling that the
# company no longer exists: "Ophørt", "OPLØST EFTER KONKURS", "Tvangsopløst",
# "Slettet". "Under tvangsopløsning" or "Under konkurs" are still alive.
_CEASED_WORDS = frozenset(
    {"ophoert", "ophort", "oploest", "oplost", "tvangsoploest", "slettet", "ceased"}
)


def parse_date(value):
    """Return a :class:`datetime.date` from what a register sends, or None.

    Understands ISO dates (with or without a time part) and the day-first
    dates of cvrapi.dk such as ``"29/12 - 1997"``; anything else gives None.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    parsers = [datetime.fromisoformat]
    parsers += [partial(_strptime, date_format=f) for f in _DANISH_DATE_FORMATS]
    for parse in parsers:
        try:
            return parse(text).date()
        except ValueError:
            continue
    return None


def _strptime(text, date_format):
    return datetime.strptime(text, date_format)


def _text(value):
    """A value as a stripped string; None becomes ""."""
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


def _co_line(name):
    name = _text(name)
    if not name or name.lower().startswith("c/o"):
        return name
    return f"c/o {name}"


def is_phone(value):
    """True for a string made of digits, ``+`` and spaces with 8+ digits."""
    text = _text(value)
    return bool(_PHONE.fullmatch(text)) and sum(c.isdigit() for c in text) >= 8


def is_email(value):
    return "@" in _text(value)


def user_agent_problem(user_agent):
    """Why cvrapi.dk would refuse ``user_agent``, in English, or None.

    The service wants "<application> - <purpose> - <contact>" (an e-mail
    address or a website as contact) and answers QUOTA_EXCEEDED otherwise;
    an HTTP header holds ASCII only.
    """
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


def _status_words(status):
    text = unicodedata.normalize("NFC", _text(status)).lower()
    text = text.replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    return [word for word in re.split(r"[^a-z]+", text) if word]


def is_ceased_status(status):
    """True when a register status text means the company has ceased."""
    return any(word in _CEASED_WORDS for word in _status_words(status))


# Words of a status text (as _status_words gives them) and the state each
# one means for a company that has not ceased.
_STATE_WORDS = {
    "konkurs": "bankruptcy",
    "rekonstruktion": "reconstruction",
    "tvangsoploesning": "dissolution",
    "retsvirkning": "no_legal_effect",
}


def register_state(status, ceased=False, bankrupt=False):
    """The :data:`REGISTER_STATES` value of a company.

    :param status: the register's status text ("NORMAL", "UNDER KONKURS",
        "UNDER TVANGSOPLØSNING", "UDEN RETSVIRKNING", "Ophørt"...).
    :param ceased: the company has ended (end date, ceased status).
    :param bankrupt: the register flags a bankruptcy (cvrapi.dk
        ``creditbankrupt``).
    """
    if ceased or is_ceased_status(status):
        return "ceased"
    for word in _status_words(status):
        if word in _STATE_WORDS:
            return _STATE_WORDS[word]
    return "bankruptcy" if bankrupt else "active"


def rank_companies(companies):
    """Companies in the order of their state: the living first (stable)."""
    return sorted(companies, key=lambda c: REGISTER_STATES.index(c["state"]))


def _empty_company(provider):
    company = dict.fromkeys(COMPANY_KEYS, "")
    company.update(
        protected=False,
        ceased=False,
        state="active",
        start_date=None,
        end_date=None,
        provider=provider,
    )
    return company


# Keys of a company dict holding dates.
_DATE_KEYS = ("start_date", "end_date")


def company_to_json(company):
    """A company dict with its dates as ISO strings (for JSON fields)."""
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in company.items()
    }


def company_from_json(data):
    """The company dict of :func:`company_to_json`'s output (dates back)."""
    company = _empty_company(None)
    company.update(data or {})
    for key in _DATE_KEYS:
        company[key] = parse_date(company[key])
    return company


# ---------------------------------------------------------------------------
# Mapping: raw answers -> company dicts
# ---------------------------------------------------------------------------


def company_from_cvrapi(data):
    """Map one cvrapi.dk answer (a flat dict) to a company dict."""
    data = _dict(data)
    company = _empty_company(CvrApiDkClient.code)
    ceased = _text(data.get("enddate")) != ""
    company.update(
        cvr=_text(data.get("vat")),
        name=_text(data.get("name")),
        street=_text(data.get("address")),
        street2=_co_line(data.get("addressco")),
        zip=_text(data.get("zipcode")),
        city=_text(data.get("city")),
        phone=_text(data.get("phone")),
        email=_text(data.get("email")),
        industry_code=_text(data.get("industrycode")),
        industry_text=_text(data.get("industrydesc")),
        legal_form=_text(data.get("companydesc")),
        protected=_as_bool(data.get("protected")),
        ceased=ceased,
        state=register_state(
            data.get("creditstatus"), ceased, _as_bool(data.get("creditbankrupt"))
        ),
        status=_text(data.get("creditstatus")) or ("ceased" if ceased else "active"),
        start_date=parse_date(data.get("startdate")),
        end_date=parse_date(data.get("enddate")),
    )
    return company


def _virk_street(address):
    """ "Industrivej 4B, 2. tv" from a virk address (beliggenhedsadresse)."""
    number = _text(address.get("husnummerFra")) + _text(address.get("bogstavFra"))
    number_to = _text(address.get("husnummerTil")) + _text(address.get("bogstavTil"))
    if number and number_to and number_to != number:
        number = f"{number}-{number_to}"
    street = " ".join(p for p in (_text(address.get("vejnavn")), number) if p)
    floor = _text(address.get("etage"))
    if floor.isdigit():
        floor = f"{floor}."
    unit = " ".join(p for p in (floor, _text(address.get("sidedoer"))) if p)
    if street and unit:
        street = f"{street}, {unit}"
    return street


def _virk_lifecycles(vrvirksomhed):
    """The lifecycle periods (livsforloeb) as (start, end) dates, oldest first."""
    periods = []
    for entry in vrvirksomhed.get("livsforloeb") or []:
        period = _dict(_dict(entry).get("periode"))
        periods.append(
            (parse_date(period.get("gyldigFra")), parse_date(period.get("gyldigTil")))
        )
    return sorted(periods, key=lambda p: p[0] or date.min)


def company_from_virk(vrvirksomhed):
    """Map one ``Vrvirksomhed`` document of the CVR distribution to a company dict.

    Uses the latest view in ``virksomhedMetadata``; the lifecycle history only
    for the start and end dates.
    """
    vrvirksomhed = _dict(vrvirksomhed)
    meta = _dict(vrvirksomhed.get("virksomhedMetadata"))
    address = _dict(meta.get("nyesteBeliggenhedsadresse"))
    industry = _dict(meta.get("nyesteHovedbranche"))
    legal_form = _dict(meta.get("nyesteVirksomhedsform"))
    contacts = meta.get("nyesteKontaktoplysninger") or []
    if not isinstance(contacts, list):
        contacts = [contacts]
    phone = next((_text(c) for c in contacts if is_phone(c)), "")
    email = next((_text(c) for c in contacts if is_email(c)), "")
    lifecycles = _virk_lifecycles(vrvirksomhed)
    start_date = parse_date(meta.get("stiftelsesDato")) or (
        lifecycles[0][0] if lifecycles else None
    )
    end_date = lifecycles[-1][1] if lifecycles else None
    status = _text(meta.get("sammensatStatus"))
    ceased = is_ceased_status(status) or end_date is not None

    company = _empty_company(VirkDistributionClient.code)
    company.update(
        cvr=_text(vrvirksomhed.get("cvrNummer")),
        name=_text(_dict(meta.get("nyesteNavn")).get("navn")),
        street=_virk_street(address),
        street2=_co_line(address.get("conavn")),
        zip=_text(address.get("postnummer")),
        city=_text(address.get("postdistrikt")),
        phone=phone,
        email=email,
        industry_code=_text(industry.get("branchekode")),
        industry_text=_text(industry.get("branchetekst")),
        legal_form=_text(legal_form.get("langBeskrivelse"))
        or _text(legal_form.get("kortBeskrivelse")),
        protected=_as_bool(vrvirksomhed.get("reklamebeskyttet")),
        ceased=ceased,
        state=register_state(status, ceased),
        status=status,
        start_date=start_date,
        end_date=end_date,
    )
    return company


# ---------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------


class CvrProvider(HttpClient):
    """One source of CVR data, on the shared :class:`HttpClient`.

    :param base_url: root URL of the service (the provider's default when
        empty); tests point it at a local stand-in.
    :param timeout: seconds for connecting and for each read, on every call.
    :param session: a ``requests.Session`` to use (one is created otherwise;
        only that one is closed by :meth:`close`).
    :param options: provider options (see ``option_names``) plus those of
        :class:`HttpClient`: ``max_retries`` (2), ``backoff`` (0.5 s),
        ``max_retry_after`` (30 s) and ``sleep``.
    """

    code = None
    default_base_url = None
    option_names = frozenset()
    common_option_names = frozenset(
        {"max_retries", "backoff", "max_retry_after", "sleep"}
    )
    # The registers refuse credentials with 401 or 403 alike; a 404 of the
    # service itself (not of a company) is no "unknown company".
    status_errors = {
        401: AuthenticationFailed,
        403: AuthenticationFailed,
        429: QuotaExceeded,
    }

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        unknown = set(options) - self.option_names - self.common_option_names
        if unknown:
            names = ", ".join(sorted(unknown))
            raise TypeError(f"{type(self).__name__} got unknown options: {names}")
        common = {
            name: options.pop(name)
            for name in self.common_option_names
            if name in options
        }
        super().__init__(base_url, timeout, session, **common)
        self.options = options

    # -- public API ---------------------------------------------------------

    def search(self, term, limit=10):
        """Candidates for a company name or CVR number, best first.

        A term that looks like a number (see :func:`looks_like_cvr`) is
        validated (:class:`InvalidCvr`) and looked up as a number. Never
        returns an empty list: raises :class:`NotFound` instead.
        """
        if not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a positive integer, not {limit!r}")
        text = _text(term)
        if not text:
            raise InvalidRequest("Empty search term.")
        if looks_like_cvr(text):
            return [self.get(text)]
        companies = rank_companies(self._search_name(text, limit))[:limit]
        if not companies:
            raise NotFound(f"No company matches {text!r} in {self.label}.")
        return companies

    def get(self, cvr):
        """One company by CVR number (validated first); NotFound when unknown."""
        number = normalize_cvr(cvr)
        company = self._get(number)
        if company["cvr"] != number:
            raise MalformedResponse(
                f"{self.label} answered with company {company['cvr'] or '?'} "
                f"when asked for {number}."
            )
        return company

    # -- to implement per provider -----------------------------------------

    def _get(self, number):
        """Return the company dict for a valid 8-digit number."""
        raise NotImplementedError

    def _search_name(self, term, limit):
        """Return company dicts matching a name, best first (may be empty)."""
        raise NotImplementedError

    def _parse(self, response):
        """Return the useful payload of a response or raise a typed exception."""
        raise NotImplementedError

    def _request_kwargs(self):
        """Headers, auth... added to every request."""
        return {}

    def _call(self, method, path, **kwargs):
        """Send one request (retried by the session's rule); return _parse()."""
        request_kwargs = self._request_kwargs()
        request_kwargs.update(kwargs)
        return self._parse(self._send(method, path, **request_kwargs))

    def _raise_for_status(self, response, message=None):
        """Raise the typed exception for an HTTP error status."""
        error = self._error_for_status(response, message)
        if error is not None:
            raise error


class CvrApiDkClient(CvrProvider):
    """cvrapi.dk: free, no account, about 50 look-ups a day per IP.

    Options: ``user_agent`` (sent as User-Agent; the service expects
    "<app> - <purpose> - <contact>") and ``token`` (paid subscription).
    A search answers with the single best match.
    """

    code = "cvrapi"
    label = "cvrapi.dk"
    default_base_url = "https://cvrapi.dk"
    option_names = frozenset({"user_agent", "token"})
    # cvrapi.dk answers its own errors (QUOTA_EXCEEDED, INTERNAL_ERROR...) in
    # the body, also with 429 or 500: final answers, since asking again burns
    # quota. Only gateway failures are retried (and a 429 with Retry-After).
    retry_statuses = frozenset({502, 503, 504})

    # Error codes of the answer body and the exception each one raises.
    ERRORS = {
        "QUOTA_EXCEEDED": QuotaExceeded,
        "BANNED": Banned,
        "NOT_FOUND": NotFound,
        "INVALID_VAT": InvalidRequest,
        "INVALID_UA": InvalidUserAgent,
        "INTERNAL_ERROR": ServiceUnavailable,
    }

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        super().__init__(base_url, timeout, session, **options)
        self.user_agent = _text(self.options.get("user_agent"))
        self.token = _text(self.options.get("token"))

    def _call(self, method, path, **kwargs):
        # Refused before any call: the service would answer QUOTA_EXCEEDED
        # (spending quota), and a non-ASCII header cannot even be sent.
        problem = user_agent_problem(self.user_agent)
        if problem:
            raise InvalidUserAgent(problem)
        return super()._call(method, path, **kwargs)

    def _request_kwargs(self):
        return {
            "headers": {"User-Agent": self.user_agent, "Accept": "application/json"}
        }

    def _sends_credentials(self):
        return bool(self.token)

    def _params(self, **query):
        params = {"country": "dk", "format": "json", "version": "6", **query}
        if self.token:
            params["token"] = self.token
        return params

    def _get(self, number):
        data = self._call("GET", "/api", params=self._params(vat=number))
        return company_from_cvrapi(data)

    def _search_name(self, term, limit):
        data = self._call("GET", "/api", params=self._params(search=term))
        return [company_from_cvrapi(data)]

    def _parse(self, response):
        payload = self._json_or_none(response)
        # Errors come in the body, whatever the HTTP status: check them first.
        if isinstance(payload, dict) and payload.get("error"):
            code = _text(payload.get("error")) or "ERROR"
            message = _text(payload.get("message")) or f"{self.label} answered {code}."
            exception_class = self.ERRORS.get(code, ServiceError)
            status = response.status_code if response.status_code >= 400 else None
            raise exception_class(message, code=code, status=status)
        self._raise_for_status(response)
        if not isinstance(payload, dict):
            raise MalformedResponse(
                f"{self.label} sent an answer that is not a JSON object.",
                status=response.status_code,
            )
        if "vat" not in payload or "name" not in payload:
            raise MalformedResponse(
                f"{self.label} sent an answer without company number or name.",
                status=response.status_code,
            )
        return payload


class VirkDistributionClient(CvrProvider):
    """Erhvervsstyrelsen's CVR distribution ("System-til-system").

    An ElasticSearch endpoint behind HTTP Basic auth (options ``username``
    and ``password``); a name search gives several candidates. Searches are
    POST requests: like every POST, never sent twice.
    """

    code = "virk"
    label = "CVR distribution (virk.dk)"
    default_base_url = "https://distribution.virk.dk"
    option_names = frozenset({"username", "password"})
    search_path = "/cvr-permanent/virksomhed/_search"
    name_field = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"
    # Only what company_from_virk reads: a whole Vrvirksomhed is 23-110 KB.
    source_fields = (
        "Vrvirksomhed.cvrNummer",
        "Vrvirksomhed.reklamebeskyttet",
        "Vrvirksomhed.livsforloeb.periode",
        "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn",
        "Vrvirksomhed.virksomhedMetadata.nyesteBeliggenhedsadresse",
        "Vrvirksomhed.virksomhedMetadata.nyesteHovedbranche",
        "Vrvirksomhed.virksomhedMetadata.nyesteVirksomhedsform",
        "Vrvirksomhed.virksomhedMetadata.nyesteKontaktoplysninger",
        "Vrvirksomhed.virksomhedMetadata.sammensatStatus",
        "Vrvirksomhed.virksomhedMetadata.stiftelsesDato",
    )

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        super().__init__(base_url, timeout, session, **options)
        self.username = _text(self.options.get("username"))
        self.password = self.options.get("password") or ""

    def _sends_credentials(self):
        return True

    def _request_kwargs(self):
        # UTF-8, not requests' Latin-1: a password with "€" must not crash.
        return {
            "auth": (self.username.encode(), self.password.encode()),
            "headers": {"Accept": "application/json"},
        }

    def _search(self, query, size):
        if not (self.username and self.password):
            raise AuthenticationFailed(f"No credentials set for {self.label}.")
        body = {"_source": list(self.source_fields), "size": size, "query": query}
        payload = self._call("POST", self.search_path, json=body)
        companies = []
        for hit in payload["hits"]["hits"]:
            document = _dict(_dict(_dict(hit).get("_source")).get("Vrvirksomhed"))
            if not document:
                raise MalformedResponse(
                    f"{self.label} sent a hit without Vrvirksomhed."
                )
            companies.append(company_from_virk(document))
        return companies

    def _get(self, number):
        companies = self._search({"term": {"Vrvirksomhed.cvrNummer": int(number)}}, 1)
        if not companies:
            raise NotFound(f"No company with CVR number {number} in {self.label}.")
        return companies[0]

    def _search_name(self, term, limit):
        """Names as a user types them: the analysed name matches whole words
        only, so the last word is taken as a prefix (``match_phrase_prefix``);
        the exact name is boosted to the top."""
        query = {
            "bool": {
                "should": [
                    {"match_phrase_prefix": {self.name_field: {"query": term}}},
                    {"match_phrase": {self.name_field: {"query": term, "boost": 10}}},
                ],
                "minimum_should_match": 1,
            }
        }
        return self._search(query, limit)

    def _parse(self, response):
        payload = self._json_or_none(response)
        message = None
        if response.status_code in (400, 422) and isinstance(payload, dict):
            # ElasticSearch explains a rejected query in error.reason.
            message = _text(_dict(payload.get("error")).get("reason")) or None
        self._raise_for_status(response, message)
        if not isinstance(payload, dict):
            raise MalformedResponse(
                f"{self.label} sent an answer that is not a JSON object.",
                status=response.status_code,
            )
        hits = payload.get("hits")
        if not isinstance(hits, dict) or not isinstance(hits.get("hits"), list):
            raise MalformedResponse(
                f"{self.label} sent an answer without hits.",
                status=response.status_code,
            )
        return payload


PROVIDERS = {
    CvrApiDkClient.code: CvrApiDkClient,
    VirkDistributionClient.code: VirkDistributionClient,
}


def make_provider(code, **kwargs):
    """Build the provider registered under ``code`` (see :data:`PROVIDERS`)."""
    try:
        provider_class = PROVIDERS[code]
    except KeyError:
        known = ", ".join(sorted(PROVIDERS))
        raise ValueError(f"Unknown CVR provider {code!r} (known: {known}).") from None
    return provider_class(**kwargs)
