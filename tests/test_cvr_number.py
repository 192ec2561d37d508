"""CVR number helpers: normalize_cvr and looks_like_cvr."""

import pytest

from odoo.addons.tracelink_cvr.tools.cvr import looks_like_cvr, normalize_cvr
from odoo.addons.tracelink_cvr.tools.exceptions import InvalidCvr

VALID = ["13585628", "22756214", "10150817", "28271026", "29910251", "39090325"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_are_returned_as_eight_digits(number):
    assert normalize_cvr(number) == number


@pytest.mark.parametrize(
    "typed",
    [
        "DK13585628",
        "DK 1358 5628",
        "13-58-56-28",
        " dk13585628 ",
        "dk 13 58 56 28",
        "DK-13585628",
        "1358 5628",
        13585628,
    ],
)
def test_prefix_spaces_and_dashes_are_removed(typed):
    assert normalize_cvr(typed) == "13585628"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("13585627", "check digit"),
        ("DK 13585627", "check digit"),
        ("DK 1234 5678", "check digit"),
        ("02756214", "not starting with 0"),
        ("1234567", "must have 8 digits"),
        ("135856280", "must have 8 digits"),
        ("1358562A", "digits only"),
        ("SE13585628", "digits only"),
    ],
)
def test_invalid_numbers_raise_invalid_cvr_with_a_reason(typed, reason):
    with pytest.raises(InvalidCvr) as info:
        normalize_cvr(typed)
    assert reason in str(info.value)


@pytest.mark.parametrize("empty", ["", "   ", None, "DK"])
def test_empty_input_raises_invalid_cvr(empty):
    with pytest.raises(InvalidCvr):
        normalize_cvr(empty)


def test_invalid_cvr_is_a_value_error():
    # Callers that only know ValueError still catch it.
    with pytest.raises(ValueError):
        normalize_cvr("13585627")


@pytest.mark.parametrize(
    "term",
    [
        "13585628",
        "DK13585628",
        "dk 1358 5628",
        "13-58-56-28",
        " 13585628 ",
        "13585627",  # looks like a number (then fails validation)
        "1234",
        13585628,
    ],
)
def test_numbers_look_like_cvr(term):
    assert looks_like_cvr(term) is True


@pytest.mark.parametrize(
    "term",
    [
        "Eksempel Maskinfabrik",
        "3Shape A/S",
        "Fjordlys Rådgivning A/S",
        "DK",
        "DK Hostmaster",
        "",
        "   ",
        " - ",
        None,
        "13585628 ApS",
    ],
)
def test_names_do_not_look_like_cvr(term):
    assert looks_like_cvr(term) is False
