"""Danish CVR numbers (check digits by ``python-stdnum``): what a user
types is validated; what the register or e-conomic sends is taken as it is."""

from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from .exceptions import InvalidCvr

_WHY_INVALID = {
    InvalidChecksum: " (wrong check digit)",
    InvalidLength: " (it must have 8 digits)",
    InvalidFormat: " (digits only, not starting with 0, optionally prefixed with DK)",
}


def normalize_cvr(value):
    """The 8 digits of a CVR number typed by a user (``"DK 1358 5628"``,
    ``"13-58-56-28"``, ``13585628``); :class:`InvalidCvr` for anything else."""
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if not text:
        raise InvalidCvr("No CVR number given.")
    try:
        return stdnum_cvr.validate(text)
    except ValidationError as exc:
        why = _WHY_INVALID.get(type(exc), "")
        raise InvalidCvr(f"{text} is not a valid CVR number{why}.") from None


def looks_like_cvr(term):
    """True when a search term is meant as a CVR number, not a name: digits
    as python-stdnum writes them (valid or not: :func:`normalize_cvr`)."""
    text = "" if term is None or isinstance(term, bool) else str(term)
    return stdnum_cvr.compact(text).isdecimal()


def cvr_from_text(value):
    """The 8 digits of a valid CVR number kept by Odoo or e-conomic (Company
    ID, VAT number: ``"DK 12 34 56 78"``, ``"DK-12345678"``...), or ""."""
    text = str(value or "")
    return stdnum_cvr.compact(text) if stdnum_cvr.is_valid(text) else ""


def cvr_variants(cvr):
    """The ways a stored Company ID or VAT number may write ``cvr`` (8 digits),
    to search the database before :func:`cvr_from_text` checks each hit."""
    pairs = " ".join(cvr[i : i + 2] for i in range(0, 8, 2))
    forms = (cvr, f"{cvr[:4]} {cvr[4:]}", pairs)
    return [
        variant
        for form in forms
        for variant in (form, f"DK{form}", f"DK {form}", f"DK-{form}")
    ]
