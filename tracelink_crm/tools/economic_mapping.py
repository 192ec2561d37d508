"""Pure translations between e-conomic customers and plain partner data.

No HTTP and no Odoo here: e-conomic customer dicts (as the REST API answers
them) become provider-neutral partner values, and plain partner data becomes
the body of ``POST /customers``. The Odoo side turns the neutral keys into
``res.partner`` values.
"""

import re
from datetime import datetime, timedelta, timezone

from stdnum.dk import cvr as stdnum_cvr

# Keys of ``partner_values_from_customer`` that hold text, with the e-conomic
# property each one comes from.
_TEXT_FIELDS = {
    "street": "address",
    "zip": "zip",
    "city": "city",
    "country_name": "country",
    "email": "email",
    "phone": "telephoneAndFaxNumber",
    "mobile": "mobilePhone",
    "website": "website",
    "ean": "ean",
}

# Partner data accepted by ``customer_body_from_partner`` and the customer
# property each one is sent as.
_BODY_TEXT_FIELDS = {
    "name": "name",
    **_TEXT_FIELDS,
    "cvr": "corporateIdentificationNumber",
}

# Longest text e-conomic accepts in a customer property (its published
# customer schema): partner data key -> (property, characters).
FIELD_LENGTHS = {
    "name": ("name", 255),
    "zip": ("zip", 30),
    "city": ("city", 50),
    "country_name": ("country", 50),
    "email": ("email", 255),
    "mobile": ("mobilePhone", 50),
    "website": ("website", 255),
    "cvr": ("corporateIdentificationNumber", 40),
}


class FieldTooLong(ValueError):
    """A partner value is longer than e-conomic accepts; nothing was sent."""

    def __init__(self, key, prop, limit):
        super().__init__(f"{prop} is longer than {limit} characters")
        self.key = key
        self.prop = prop
        self.limit = limit


# Defaults every new customer needs: key in ``defaults`` -> (object, number).
_BODY_REFERENCES = {
    "customer_group": ("customerGroup", "customerGroupNumber"),
    "payment_terms": ("paymentTerms", "paymentTermsNumber"),
    "vat_zone": ("vatZone", "vatZoneNumber"),
}

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)


def parse_economic_datetime(value):
    """Return an aware UTC datetime for an e-conomic timestamp, or None.

    Accepts ``2026-11-01T10:20:30Z``, fractions of any length
    (``...30.123Z``), explicit offsets (``+01:00``) and no zone at all (read
    as UTC). Anything else, including non-strings, gives None: a timestamp is
    never a reason to reject a customer.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            microsecond,
            tzinfo=_zone(zone),
        )
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)


def _zone(text):
    if not text or text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def cvr_from_identification(value):
    """Return the 8 digits of a Danish CVR number, or "" when it is not one.

    ``corporateIdentificationNumber`` is free text in e-conomic: a Danish CVR
    number (with or without ``DK`` and spaces), a foreign VAT number or
    anything a bookkeeper typed. Only a number passing the CVR check digit
    counts.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    text = str(value).strip()
    if not text or not stdnum_cvr.is_valid(text):
        return ""
    return stdnum_cvr.compact(text)


def customer_numbers(customers):
    """Return the ``customerNumber`` of each customer that has a valid one."""
    return [
        customer["customerNumber"]
        for customer in customers
        if isinstance(customer, dict)
        and isinstance(customer.get("customerNumber"), int)
        and not isinstance(customer.get("customerNumber"), bool)
    ]


def _text(customer, key):
    """Return a customer's text property stripped, "" when absent.

    Numbers are accepted as text (a zip or EAN typed as a number); any other
    type means the customer is malformed.
    """
    value = customer.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(
        f"e-conomic customer {customer.get('customerNumber')!r}: "
        f"{key} should be text, got {type(value).__name__}"
    )


def partner_values_from_customer(customer):
    """Turn an e-conomic customer dict into provider-neutral partner values.

    Returns a dict with ``economic_number`` (int), ``name``, ``street``,
    ``zip``, ``city``, ``country_name``, ``email``, ``phone``, ``mobile``,
    ``website``, ``cvr`` (8 digits when ``corporateIdentificationNumber`` is a
    valid Danish CVR number, else ""), ``vat`` (``corporateIdentificationNumber``
    as given, stripped), ``ean``, ``last_updated`` (aware UTC datetime or
    None) and ``barred`` (bool; e-conomic leaves false booleans out).

    Raises ``ValueError`` naming the problem when the customer is malformed
    (not a dict, no integer ``customerNumber``, no name, a property of the
    wrong type), so an importer can log it and go on with the next one.
    """
    if not isinstance(customer, dict):
        raise ValueError(
            f"e-conomic customer should be an object, got {type(customer).__name__}"
        )
    number = customer.get("customerNumber")
    if number is None:
        raise ValueError(
            f"e-conomic customer without customerNumber: {customer!r:.200}"
        )
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        raise ValueError(
            f"e-conomic customer has an invalid customerNumber: {number!r:.50}"
        )
    name = customer.get("name")
    if name is None:
        raise ValueError(f"e-conomic customer {number} has no name")
    if not isinstance(name, str):
        raise ValueError(
            f"e-conomic customer {number}: name should be text, "
            f"got {type(name).__name__}"
        )
    if not name.strip():
        raise ValueError(f"e-conomic customer {number} has an empty name")
    barred = customer.get("barred", False)
    if not isinstance(barred, bool):
        raise ValueError(
            f"e-conomic customer {number}: barred should be a boolean, "
            f"got {type(barred).__name__}"
        )

    values = {"economic_number": number, "name": name.strip()}
    for key, prop in _TEXT_FIELDS.items():
        values[key] = _text(customer, prop)
    identification = _text(customer, "corporateIdentificationNumber")
    values["cvr"] = cvr_from_identification(identification)
    values["vat"] = identification
    values["last_updated"] = parse_economic_datetime(customer.get("lastUpdated"))
    values["barred"] = barred
    return values


def _is_empty(value):
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return not value.strip()
    return False


def _reference_number(defaults, key):
    value = defaults.get(key)
    if _is_empty(value) or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"e-conomic default {key} should be a number, got {value!r}"
        ) from None
    if number <= 0:
        raise ValueError(f"e-conomic default {key} should be positive, got {number}")
    return number


def customer_body_from_partner(values, defaults):
    """Build the body of ``POST /customers`` (or a ``PUT``) from partner data.

    ``values`` holds plain partner data: ``name`` (required), ``street``,
    ``zip``, ``city``, ``country_name``, ``email``, ``phone``, ``website``,
    ``cvr`` and optionally ``mobile`` and ``ean``. ``defaults`` holds the
    connector settings every new customer needs: ``currency`` (ISO code),
    ``customer_group``, ``payment_terms`` and ``vat_zone`` (numbers).

    Empty values (None, False, blank text) are left out: e-conomic refuses
    null. Raises ``FieldTooLong`` for a value longer than e-conomic's schema
    allows, ``ValueError`` when the name or a default is missing.
    """
    name = values.get("name")
    if _is_empty(name):
        raise ValueError("An e-conomic customer needs a name")
    body = {}
    for key, prop in _BODY_TEXT_FIELDS.items():
        value = values.get(key)
        if _is_empty(value):
            continue
        body[prop] = value.strip() if isinstance(value, str) else str(value)

    for key, (prop, limit) in FIELD_LENGTHS.items():
        if len(body.get(prop, "")) > limit:
            raise FieldTooLong(key, prop, limit)

    missing = []
    currency = defaults.get("currency")
    if _is_empty(currency):
        missing.append("currency")
    else:
        body["currency"] = str(currency).strip().upper()
    for key, (prop, number_prop) in _BODY_REFERENCES.items():
        number = _reference_number(defaults, key)
        if number is None:
            missing.append(key)
        else:
            body[prop] = {number_prop: number}
    if missing:
        raise ValueError(
            "e-conomic customer defaults are missing: " + ", ".join(missing)
        )
    return body
