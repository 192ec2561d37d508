"""Danish CVR numbers: normalising what a user types.

The check digit rules come from ``python-stdnum`` (``stdnum.dk.cvr``). These
helpers validate user input only; numbers that come back from the register are
taken as they are.
"""

import re

from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from .exceptions import InvalidCvr

# What may surround the digits of a number typed by hand: an optional "DK"
# prefix (the VAT form of the number), spaces and dashes.
_CVR_LIKE = re.compile(r"(?:DK)?[\d\s-]+", re.IGNORECASE)


def normalize_cvr(value):
    """Return the 8 digits of a CVR number typed by a user.

    Accepts the number with or without a ``DK`` prefix, spaces or dashes
    (``"DK 1358 5628"``, ``"13-58-56-28"``, ``13585628``). Raises
    :class:`InvalidCvr` with a short English message for anything else.
    """
    if value is None or isinstance(value, bool):
        raise InvalidCvr("No CVR number given.")
    text = str(value).strip()
    if not text:
        raise InvalidCvr("No CVR number given.")
    try:
        return stdnum_cvr.validate(text)
    except InvalidChecksum:
        raise InvalidCvr(
            f"{text} is not a valid CVR number (wrong check digit)."
        ) from None
    except InvalidLength:
        raise InvalidCvr(
            f"{text} is not a valid CVR number (it must have 8 digits)."
        ) from None
    except InvalidFormat:
        raise InvalidCvr(
            f"{text} is not a valid CVR number "
            "(digits only, not starting with 0, optionally prefixed with DK)."
        ) from None
    except ValidationError:
        raise InvalidCvr(f"{text} is not a valid CVR number.") from None


def looks_like_cvr(term):
    """Tell whether a search term is meant as a CVR number, not a name.

    True when the term, apart from an optional ``DK`` prefix, spaces and
    dashes, consists of digits only. It says nothing about validity: a term
    that looks like a number is then checked with :func:`normalize_cvr`.
    """
    if term is None or isinstance(term, bool):
        return False
    if isinstance(term, int):
        return True
    text = str(term).strip()
    return bool(_CVR_LIKE.fullmatch(text)) and any(c.isdigit() for c in text)


def cvr_from_text(value):
    """The 8 digits of a valid CVR number found in stored text, or "".

    For numbers kept by Odoo or e-conomic (Company ID, VAT number, free
    text): ``"DK 12 34 56 78"``, ``"DK-12345678"`` and ``12345678`` all give
    ``"12345678"``; anything that is not a valid Danish CVR number gives "".
    """
    if value is None or isinstance(value, bool):
        return ""
    text = str(value).strip()
    if not text or not stdnum_cvr.is_valid(text):
        return ""
    return stdnum_cvr.compact(text)


def cvr_variants(cvr):
    """The ways a stored Company ID or VAT number may write ``cvr`` (8 digits).

    For searching the database before :func:`cvr_from_text` checks each hit.
    """
    pairs = " ".join(cvr[i : i + 2] for i in range(0, 8, 2))
    forms = (cvr, f"{cvr[:4]} {cvr[4:]}", pairs)
    return [
        variant
        for form in forms
        for variant in (form, f"DK{form}", f"DK {form}", f"DK-{form}")
    ]
