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
