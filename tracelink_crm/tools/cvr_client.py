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

import logging
import re
import time
import unicodedata
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

import requests

from .cvr import looks_like_cvr, normalize_cvr
from .exceptions import (
    AuthenticationFailed,
    Banned,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    QuotaExceeded,
    ServiceError,
    ServiceTimeout,
    ServiceUnavailable,
)

_logger = logging.getLogger(__name__)

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
    "status",
    "start_date",
    "end_date",
    "provider",
)

DEFAULT_USER_AGENT = "tracelink_crm - CVR lookup (Odoo addon)"


# ---------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
# Danish day-first dates: "01/02 - 2010", "01-02-2010", "01.02.2010".
_DANISH_DATE = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*(?:[./-]|\s)[\s-]*(\d{4})")
_PHONE = re.compile(r"\+?[\d ]+")
# Words of a virk status (lower case, ASCII transliterated) telling that the
# company no longer exists: "Ophørt", "OPLØST EFTER KONKURS", "Tvangsopløst",
# "Slettet". "Under tvangsopløsning" or "Under konkurs" are still alive.
_CEASED_WORDS = frozenset(
    {"ophoert", "ophort", "oploest", "oplost", "tvangsoploest", "slettet", "ceased"}
)


def parse_date(value):
    """Return a :class:`datetime.date` from what a register sends, or None.

    Understands ISO dates (with or without a time part) and Danish day-first
    dates such as ``"01/02 - 2010"``; anything else gives None.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DANISH_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


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


def is_ceased_status(status):
    """True when a register status text means the company has ceased."""
    text = unicodedata.normalize("NFC", _text(status)).lower()
    text = text.replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    return any(word in _CEASED_WORDS for word in re.split(r"[^a-z]+", text))


def _empty_company(provider):
    company = dict.fromkeys(COMPANY_KEYS, "")
    company.update(
        protected=False,
        ceased=False,
        start_date=None,
        end_date=None,
        provider=provider,
    )
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
        status="ceased" if ceased else "active",
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
        ceased=is_ceased_status(status) or end_date is not None,
        status=status,
        start_date=start_date,
        end_date=end_date,
    )
    return company


# ---------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------


def _json_or_none(response):
    """The JSON body of a response, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response):
    """Seconds to wait from a Retry-After header (seconds or HTTP date)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class CvrProvider:
    """One source of CVR data.

    :param base_url: root URL of the service (the provider's default when
        empty); tests point it at a local fake.
    :param timeout: seconds for connecting and for each read, on every call.
    :param session: a ``requests.Session`` to use (one is created otherwise;
        only that one is closed by :meth:`close`).
    :param options: provider options (see ``option_names``) plus the common
        ones: ``max_retries`` (2), ``backoff`` (0.5 s, doubled per retry),
        ``max_retry_after`` (30 s: a longer Retry-After is not waited for) and
        ``sleep`` (``time.sleep``; tests pass a recorder).
    """

    code = None
    label = None
    default_base_url = None
    option_names = frozenset()
    common_option_names = frozenset(
        {"max_retries", "backoff", "max_retry_after", "sleep"}
    )

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        unknown = set(options) - self.option_names - self.common_option_names
        if unknown:
            names = ", ".join(sorted(unknown))
            raise TypeError(f"{type(self).__name__} got unknown options: {names}")
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.timeout = timeout
        self._own_session = session is None
        self.session = requests.Session() if session is None else session
        self.max_retries = max(0, int(options.pop("max_retries", 2)))
        self.backoff = float(options.pop("backoff", 0.5))
        self.max_retry_after = float(options.pop("max_retry_after", 30.0))
        self.sleep = options.pop("sleep", time.sleep)
        self.options = options

    def __repr__(self):
        return f"<{type(self).__name__} {self.base_url}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the session, unless it was given by the caller."""
        if self._own_session:
            self.session.close()

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
        companies = self._search_name(text, limit)[:limit]
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

    # -- HTTP -------------------------------------------------------------

    def _call(self, method, path, **kwargs):
        """Send one read request, retrying transient failures; return _parse()."""
        url = f"{self.base_url}{path}"
        request_kwargs = self._request_kwargs()
        request_kwargs.update(kwargs)
        attempt = 0
        while True:
            try:
                return self._send(method, url, path, request_kwargs)
            except ServiceError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                attempt += 1
                _logger.info(
                    "%s: %s %s failed (%s), retry %d/%d in %.1f s",
                    self.code,
                    method,
                    path,
                    type(exc).__name__,
                    attempt,
                    self.max_retries,
                    delay,
                )
                self.sleep(delay)

    def _send(self, method, url, path, request_kwargs):
        _logger.debug("%s: %s %s", self.code, method, path)
        # The messages of requests' own exceptions contain the full URL (with
        # any token in the query string): they are neither reused nor chained.
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, **request_kwargs
            )
        except requests.Timeout:
            raise ServiceTimeout(
                f"{self.label} did not answer within {self.timeout} s."
            ) from None
        except requests.ConnectionError:
            raise ServiceUnavailable(f"Cannot connect to {self.label}.") from None
        except requests.RequestException as exc:
            raise ServiceError(
                f"Request to {self.label} failed ({type(exc).__name__})."
            ) from None
        _logger.debug(
            "%s: %s %s -> HTTP %s", self.code, method, path, response.status_code
        )
        return self._parse(response)

    def _retry_delay(self, exc, attempt):
        """Seconds to wait before retrying after ``exc``, or None not to retry.

        Retried: connection failures, HTTP 5xx and HTTP 429, i.e. failures
        without an error code of the service's own (such a code, like
        cvrapi.dk's QUOTA_EXCEEDED, is a final answer). Not retried: timeouts
        (the user already waited) and everything else.
        """
        if attempt >= self.max_retries or exc.code is not None:
            return None
        if isinstance(exc, QuotaExceeded):
            if exc.retry_after is None:
                return self.backoff * 2**attempt
            if exc.retry_after > self.max_retry_after:
                return None
            return exc.retry_after
        if isinstance(exc, ServiceUnavailable) and not isinstance(exc, ServiceTimeout):
            return self.backoff * 2**attempt
        return None

    def _raise_for_status(self, response, message=None):
        """Raise the typed exception for an HTTP error status."""
        status = response.status_code
        if status < 400:
            return
        if status in (401, 403):
            raise AuthenticationFailed(
                f"{self.label} refused the credentials.", status=status
            )
        if status == 429:
            raise QuotaExceeded(
                message or f"Too many requests to {self.label}.",
                status=status,
                retry_after=_retry_after(response),
            )
        if status >= 500:
            raise ServiceUnavailable(
                message or f"{self.label} is unavailable.", status=status
            )
        if status in (400, 422):
            raise InvalidRequest(
                message or f"{self.label} rejected the request.", status=status
            )
        raise ServiceError(
            message or f"Unexpected answer from {self.label}.", status=status
        )


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

    # Error codes of the answer body and the exception each one raises.
    ERRORS = {
        "QUOTA_EXCEEDED": QuotaExceeded,
        "BANNED": Banned,
        "NOT_FOUND": NotFound,
        "INVALID_VAT": InvalidRequest,
        "INTERNAL_ERROR": ServiceUnavailable,
    }

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        super().__init__(base_url, timeout, session, **options)
        self.user_agent = _text(self.options.get("user_agent")) or DEFAULT_USER_AGENT
        self.token = _text(self.options.get("token"))

    def _request_kwargs(self):
        return {
            "headers": {"User-Agent": self.user_agent, "Accept": "application/json"}
        }

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
        payload = _json_or_none(response)
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
    POST requests that only read, so they are retried like GETs.
    """

    code = "virk"
    label = "CVR distribution (virk.dk)"
    default_base_url = "http://distribution.virk.dk"
    option_names = frozenset({"username", "password"})
    search_path = "/cvr-permanent/virksomhed/_search"
    name_field = "Vrvirksomhed.virksomhedMetadata.nyesteNavn.navn"

    def __init__(self, base_url=None, timeout=10.0, session=None, **options):
        super().__init__(base_url, timeout, session, **options)
        self.username = _text(self.options.get("username"))
        self.password = self.options.get("password") or ""

    def _request_kwargs(self):
        return {
            "auth": (self.username, self.password),
            "headers": {"Accept": "application/json"},
        }

    def _search(self, query, size):
        if not (self.username and self.password):
            raise AuthenticationFailed(f"No credentials set for {self.label}.")
        body = {"_source": ["Vrvirksomhed"], "size": size, "query": query}
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
        query = {"match": {self.name_field: {"query": term, "operator": "and"}}}
        return self._search(query, limit)

    def _parse(self, response):
        payload = _json_or_none(response)
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
