"""Pure mapping between e-conomic customers and partner values (no Odoo)."""

import pytest

from odoo.addons.tracelink_economic.tools.economic_mapping import (
    FieldTooLong,
    customer_body_from_partner,
    customer_data_from_partner,
    name_zip_key,
    partner_vals_from_values,
    partner_values_from_customer,
    pick_customer,
)

DEFAULTS = {"currency": "DKK", "customer_group": 1, "payment_terms": 2, "vat_zone": 1}

FULL_CUSTOMER = {
    "customerNumber": 1042,
    "name": "  Eksempel Maskinfabrik ApS ",
    "address": "Industrivej 4",
    "zip": "7100",
    "city": "Vejle",
    "country": "Danmark",
    "email": "info@eksempel-maskinfabrik.dk",
    "telephoneAndFaxNumber": "75 12 34 56",
    "mobilePhone": "20 30 40 50",
    "website": "https://www.eksempel-maskinfabrik.dk",
    "corporateIdentificationNumber": "13585628",
    "ean": "5790001234567",
    "barred": True,
    "lastUpdated": "2026-11-01T10:20:30Z",
    "currency": "DKK",
    "customerGroup": {"customerGroupNumber": 1, "self": "https://x/customer-groups/1"},
    "balance": 1234.5,
    "self": "https://restapi.e-conomic.com/customers/1042",
}


def test_full_customer_maps_every_field():
    """Every field the partner has; e-conomic's mobilePhone has no partner
    field of its own in Odoo 19, so it is not read."""
    values = partner_values_from_customer(FULL_CUSTOMER)
    assert values == {
        "economic_number": 1042,
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4",
        "zip": "7100",
        "city": "Vejle",
        "country_name": "Danmark",
        "email": "info@eksempel-maskinfabrik.dk",
        "phone": "75 12 34 56",
        "website": "https://www.eksempel-maskinfabrik.dk",
        "cvr": "13585628",
        "vat": "13585628",
    }


def test_sparse_customer_gets_empty_values():
    values = partner_values_from_customer({"customerNumber": 7, "name": "Bo Jensen"})
    assert values["economic_number"] == 7
    assert values["name"] == "Bo Jensen"
    for key in ("street", "zip", "city", "country_name", "email", "phone"):
        assert values[key] == ""
    for key in ("website", "cvr", "vat"):
        assert values[key] == ""


@pytest.mark.parametrize(
    ("identification", "cvr"),
    [
        ("DK 13 58 56 28", "13585628"),
        ("dk13585628", "13585628"),
        ("13585627", ""),  # wrong check digit
        ("SE556677889901", ""),  # a Swedish VAT number
        ("03585628", ""),  # a CVR never starts with 0
        ("1358562", ""),
        ("", ""),
    ],
)
def test_cvr_only_for_valid_danish_numbers(identification, cvr):
    customer = {
        "customerNumber": 1,
        "name": "X",
        "corporateIdentificationNumber": identification,
    }
    values = partner_values_from_customer(customer)
    assert values["cvr"] == cvr
    assert values["vat"] == identification.strip()


def test_numbers_given_as_numbers_become_text():
    customer = {"customerNumber": 3, "name": "Y", "zip": 7100}
    customer["telephoneAndFaxNumber"] = 75123456
    values = partner_values_from_customer(customer)
    assert values["zip"] == "7100"
    assert values["phone"] == "75123456"


@pytest.mark.parametrize(
    ("customer", "fragment"),
    [
        ({"name": "No number"}, "without customerNumber"),
        ({"customerNumber": "12", "name": "Text number"}, "invalid customerNumber"),
        ({"customerNumber": True, "name": "Bool number"}, "invalid customerNumber"),
        ({"customerNumber": 0, "name": "Zero"}, "invalid customerNumber"),
        ({"customerNumber": 12}, "has no name"),
        ({"customerNumber": 12, "name": "   "}, "empty name"),
        ({"customerNumber": 12, "name": 42}, "name should be text"),
        ({"customerNumber": 12, "name": "A", "address": {"x": 1}}, "address"),
        ({"customerNumber": 12, "name": "A", "email": ["a@b.dk"]}, "email"),
        (["not", "a", "dict"], "should be an object"),
        (None, "should be an object"),
    ],
)
def test_malformed_customer_raises_value_error(customer, fragment):
    with pytest.raises(ValueError, match=fragment):
        partner_values_from_customer(customer)


def test_body_from_full_partner():
    values = {
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4",
        "zip": "7100",
        "city": "Vejle",
        "country_name": "Danmark",
        "email": "info@eksempel.dk",
        "phone": "75123456",
        "website": "https://eksempel.dk",
        "cvr": "13585628",
    }
    assert customer_body_from_partner(values, DEFAULTS) == {
        "name": "Eksempel Maskinfabrik ApS",
        "address": "Industrivej 4",
        "zip": "7100",
        "city": "Vejle",
        "country": "Danmark",
        "email": "info@eksempel.dk",
        "telephoneAndFaxNumber": "75123456",
        "website": "https://eksempel.dk",
        "corporateIdentificationNumber": "13585628",
        "currency": "DKK",
        "customerGroup": {"customerGroupNumber": 1},
        "paymentTerms": {"paymentTermsNumber": 2},
        "vatZone": {"vatZoneNumber": 1},
    }


def test_body_leaves_out_empty_values():
    values = {
        "name": " Bo Jensen ",
        "street": "",
        "zip": None,
        "city": False,  # Odoo's empty char field
        "country_name": "   ",
        "email": "bo@example.dk",
        "phone": False,
        "website": None,
        "cvr": "",
    }
    body = customer_body_from_partner(values, {**DEFAULTS, "customer_group": 2})
    assert body == {
        "name": "Bo Jensen",
        "email": "bo@example.dk",
        "currency": "DKK",
        "customerGroup": {"customerGroupNumber": 2},
        "paymentTerms": {"paymentTermsNumber": 2},
        "vatZone": {"vatZoneNumber": 1},
    }


def test_body_needs_a_name():
    with pytest.raises(ValueError, match="needs a name"):
        customer_body_from_partner({"name": "  ", "city": "Vejle"}, DEFAULTS)


@pytest.mark.parametrize(
    "key, prop, limit",
    [
        ("city", "city", 50),
        ("zip", "zip", 30),
        ("country_name", "country", 50),
        ("email", "email", 255),
        ("website", "website", 255),
        ("cvr", "corporateIdentificationNumber", 40),
    ],
)
def test_body_refuses_values_longer_than_economic_accepts(key, prop, limit):
    values = {"name": "Lang Værdi ApS", key: "x" * limit}
    assert customer_body_from_partner(values, DEFAULTS)[prop] == "x" * limit
    with pytest.raises(FieldTooLong, match=f"{prop} is longer than {limit}") as info:
        customer_body_from_partner({**values, key: "x" * (limit + 1)}, DEFAULTS)
    assert (info.value.key, info.value.limit) == (key, limit)


def test_body_needs_every_default():
    with pytest.raises(ValueError, match="currency, payment_terms") as info:
        customer_body_from_partner(
            {"name": "A"}, {"customer_group": 1, "payment_terms": False, "vat_zone": 1}
        )
    assert "customer_group" not in str(info.value)
    assert "vat_zone" not in str(info.value)


def test_body_refuses_a_default_that_is_no_number():
    with pytest.raises(ValueError, match="missing: vat_zone"):
        customer_body_from_partner({"name": "A"}, {**DEFAULTS, "vat_zone": "domestic"})


def test_round_trip_through_the_mapping():
    values = {"name": "Rundtur ApS", "city": "Aarhus C", "cvr": "13585628"}
    body = customer_body_from_partner(values, DEFAULTS)
    mapped = partner_values_from_customer({**body, "customerNumber": 9})
    assert mapped["name"] == "Rundtur ApS"
    assert mapped["city"] == "Aarhus C"
    assert mapped["cvr"] == "13585628"
    assert mapped["economic_number"] == 9


def test_partner_vals_leave_out_empty_values():
    values = partner_values_from_customer(FULL_CUSTOMER)
    assert partner_vals_from_values(values, country_id=58) == {
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4",
        "zip": "7100",
        "city": "Vejle",
        "email": "info@eksempel-maskinfabrik.dk",
        "phone": "75 12 34 56",
        "website": "https://www.eksempel-maskinfabrik.dk",
        "company_registry": "13585628",
        "vat": "DK13585628",
        "country_id": 58,
    }
    sparse = partner_values_from_customer(
        {
            "customerNumber": 8,
            "name": "Malmö AB",
            "corporateIdentificationNumber": "SE556677889901",
        }
    )
    assert partner_vals_from_values(sparse) == {
        "name": "Malmö AB",
        "vat": "SE556677889901",
    }


def test_customer_data_from_partner_values():
    partner = {
        "name": " Eksempel Maskinfabrik ApS ",
        "street": "Industrivej 4 ",
        "street2": " Bygning B",
        "zip": "7100",
        "city": "Vejle",
        "email": False,
        "phone": "75123456",
        "website": False,
        "vat": "DK 13 58 56 28",
        "company_registry": False,
    }
    data = customer_data_from_partner(partner, "Danmark")
    assert data == {
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4\nBygning B",
        "zip": "7100",
        "city": "Vejle",
        "email": False,
        "phone": "75123456",
        "website": False,
        "country_name": "Danmark",
        "cvr": "13585628",
        "is_cvr": True,
    }
    foreign = customer_data_from_partner({"name": "Malmö AB", "vat": " SE5566 "})
    assert (foreign["cvr"], foreign["is_cvr"], foreign["street"]) == (
        "SE5566",
        False,
        "",
    )


def test_pick_customer_prefers_open_and_lowest_number():
    customers = [
        {"customerNumber": 3, "barred": True},
        {"customerNumber": 9},
        {"customerNumber": 5},
        {"name": "no number"},
    ]
    assert pick_customer(customers) == {"customerNumber": 5}
    assert pick_customer([{"customerNumber": 3, "barred": True}])["customerNumber"] == 3
    assert pick_customer([{"name": "x"}]) is None


def test_name_zip_key_ignores_case_and_spaces():
    assert name_zip_key(" Jysk  VVS ApS", "8 000") == name_zip_key(
        "jysk vvs aps", "8000"
    )
    assert name_zip_key("Jysk VVS ApS", None) == ("jysk vvs aps", "")
