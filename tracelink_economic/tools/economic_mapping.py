"""Pure translations between e-conomic customer dicts and plain partner data
(no HTTP, no ORM)."""

import re

from odoo.addons.tracelink_cvr.tools.cvr import cvr_from_text

# Partner data key -> (customer property, longest text e-conomic accepts in
# it by its published customer schema, or None).
CUSTOMER_PROPERTIES = {
    "name": ("name", 255),
    "street": ("address", None),
    "zip": ("zip", 30),
    "city": ("city", 50),
    "country_name": ("country", 50),
    "email": ("email", 255),
    "phone": ("telephoneAndFaxNumber", None),
    "website": ("website", 255),
    "cvr": ("corporateIdentificationNumber", 40),
}

# Keys of the plain customer data that are res.partner fields of the same name.
PARTNER_TEXT_KEYS = [
    key for key in CUSTOMER_PROPERTIES if key not in ("country_name", "cvr")
]

# Defaults every new customer needs: key in ``defaults`` -> (object, number).
_BODY_REFERENCES = {
    "customer_group": ("customerGroup", "customerGroupNumber"),
    "payment_terms": ("paymentTerms", "paymentTermsNumber"),
    "vat_zone": ("vatZone", "vatZoneNumber"),
}


class FieldTooLong(ValueError):
    """A partner value is longer than e-conomic accepts; nothing was sent."""

    def __init__(self, key, prop, limit):
        super().__init__(f"{prop} is longer than {limit} characters")
        self.key = key
        self.limit = limit


def _positive(number):
    return isinstance(number, int) and not isinstance(number, bool) and number > 0


def item_numbers(items, key):
    """The ``key`` of each item of an e-conomic collection that has an integer one."""
    return [
        item[key]
        for item in items
        if isinstance(item, dict) and type(item.get(key)) is int
    ]


def _text(customer, key):
    """A text property stripped ("" when absent); a number is text too (a zip
    typed as a number), any other type a malformed customer."""
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
    """Provider-neutral partner values of an e-conomic customer dict:
    ``economic_number``, the keys of ``CUSTOMER_PROPERTIES`` ("" when absent),
    ``cvr`` (a valid CVR number or "") and ``vat`` (the number as given).
    A malformed customer raises ``ValueError`` naming the problem."""
    if not isinstance(customer, dict):
        raise ValueError(
            f"e-conomic customer should be an object, got {type(customer).__name__}"
        )
    number = customer.get("customerNumber")
    if number is None:
        raise ValueError(
            f"e-conomic customer without customerNumber: {customer!r:.200}"
        )
    if not _positive(number):
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
    values = {
        key: _text(customer, prop)
        for key, (prop, _limit) in CUSTOMER_PROPERTIES.items()
    }
    values.update(
        economic_number=number, cvr=cvr_from_text(values["cvr"]), vat=values["cvr"]
    )
    return values


def customer_body_from_partner(values, defaults):
    """The body of ``POST /customers`` from plain partner data and the
    ``defaults`` of ``_BODY_REFERENCES`` and ``currency``; empty values are
    left out (e-conomic refuses null). ``FieldTooLong`` beyond e-conomic's
    schema, ``ValueError`` when the name or a default is missing."""
    body = {}
    for key, (prop, limit) in CUSTOMER_PROPERTIES.items():
        text = str(values.get(key) or "").strip()
        if limit and len(text) > limit:
            raise FieldTooLong(key, prop, limit)
        if text:
            body[prop] = text
    if "name" not in body:
        raise ValueError("An e-conomic customer needs a name")
    currency = str(defaults.get("currency") or "").strip().upper()
    missing = [] if currency else ["currency"]
    missing += [key for key in _BODY_REFERENCES if not _positive(defaults.get(key))]
    if missing:
        raise ValueError(
            "e-conomic customer defaults are missing: " + ", ".join(missing)
        )
    body["currency"] = currency
    for key, (prop, number_prop) in _BODY_REFERENCES.items():
        body[prop] = {number_prop: defaults[key]}
    return body


def partner_vals_from_values(values, country_id=None):
    """``res.partner`` values of :func:`partner_values_from_customer` values,
    empty ones left out (an import never clears what Odoo has); a CVR number
    gives ``company_registry`` and ``DK<cvr>`` as VAT number, any other
    number is the VAT number as given."""
    vals = {key: values[key] for key in PARTNER_TEXT_KEYS if values.get(key)}
    if values.get("cvr"):
        vals["company_registry"] = values["cvr"]
        vals["vat"] = f"DK{values['cvr']}"
    elif values.get("vat"):
        vals["vat"] = values["vat"]
    if country_id:
        vals["country_id"] = country_id
    return vals


def customer_data_from_partner(partner, country_name=""):
    """Plain customer data (keys of ``CUSTOMER_PROPERTIES`` and ``is_cvr``)
    of ``res.partner`` values (street2 joins the address); ``cvr`` is the CVR
    number of the Company ID or VAT number, else the VAT number as typed."""
    cvr = cvr_from_text(partner.get("company_registry")) or cvr_from_text(
        partner.get("vat")
    )
    street = (partner.get(key) for key in ("street", "street2"))
    return {
        **{key: partner.get(key) for key in PARTNER_TEXT_KEYS},
        "name": (partner.get("name") or "").strip(),
        "street": "\n".join(line.strip() for line in street if line and line.strip()),
        "country_name": country_name or "",
        "cvr": cvr or (partner.get("vat") or "").strip(),
        "is_cvr": bool(cvr),
    }


def pick_customer(customers):
    """The customer to link among several: not barred, lowest number; None
    when none has a valid number."""
    customers = [c for c in customers if item_numbers([c], "customerNumber")]
    customers.sort(key=lambda c: (bool(c.get("barred")), c["customerNumber"]))
    return customers[0] if customers else None


def name_zip_key(name, zip_code):
    """Exact name and zip, compared without case and extra spaces: how a
    customer without CVR number is recognised among the partners."""
    return (
        " ".join((name or "").split()).lower(),
        re.sub(r"\s+", "", zip_code or "").lower(),
    )
