"""Pure mapping of raw provider answers to provider-neutral company dicts."""

import copy
from datetime import date, datetime
from functools import partial

import pytest

from odoo.addons.tracelink_cvr.tests.stand_ins.fake_cvr import (
    CVRAPI_COMPANIES,
    VIRK_COMPANIES,
    fixture,
)
from odoo.addons.tracelink_cvr.tools.cvr_client import (
    COMPANY_KEYS,
    company_from,
    is_email,
    is_phone,
    parse_date,
    partner_values,
    register_state,
)

company_from_cvrapi = partial(company_from, "cvrapi")
company_from_virk = partial(company_from, "virk")


def _virk(cvr):
    return copy.deepcopy(VIRK_COMPANIES[cvr])


# -- dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/02 - 2010", date(2010, 2, 1)),
        ("1/2 - 2010", date(2010, 2, 1)),
        ("30/06 - 2021", date(2021, 6, 30)),
        ("01-02-2010", date(2010, 2, 1)),
        ("01.02.2010", date(2010, 2, 1)),
        ("2010-02-01", date(2010, 2, 1)),
        (" 2010-02-01 ", date(2010, 2, 1)),
        ("2010-02-01T00:00:00.000+01:00", date(2010, 2, 1)),
        (date(2010, 2, 1), date(2010, 2, 1)),
        (datetime(2010, 2, 1, 13, 30), date(2010, 2, 1)),
        (None, None),
        ("", None),
        ("garbage", None),
        ("31/02 - 2010", None),
        ("2010-13-01", None),
        ("01/02", None),
        (20100201, None),
        (["2010-02-01"], None),
    ],
)
def test_parse_date(raw, expected):
    assert parse_date(raw) == expected


# -- contacts and status ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "phone", "email"),
    [
        ("75000000", True, False),
        ("75 00 00 00", True, False),
        ("+45 76 00 00 00", True, False),
        ("+4576000000", True, False),
        ("7500000", False, False),  # 7 digits
        ("info@example.dk", False, True),
        ("www.example.dk", False, False),
        ("75-00-00-00", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_contact_classification(value, phone, email):
    assert is_phone(value) is phone
    assert is_email(value) is email


@pytest.mark.parametrize(
    ("status", "ceased"),
    [
        ("Ophørt", True),
        ("OPHØRT", True),
        ("ophoert", True),
        ("Opløst", True),
        ("OPLOEST", True),
        ("OPLØST EFTER KONKURS", True),
        ("Opløst efter fusion", True),
        ("TVANGSOPLØST", True),
        ("Slettet", True),
        ("NORMAL", False),
        ("Aktiv", False),
        ("UNDER KONKURS", False),
        ("Under tvangsopløsning", False),
        ("UNDER FRIVILLIG LIKVIDATION", False),
        ("", False),
        (None, False),
    ],
)
def test_ceased_status(status, ceased):
    assert (register_state(status) == "ceased") is ceased


# -- cvrapi.dk --------------------------------------------------------------


def test_cvrapi_full_answer():
    company = company_from_cvrapi(CVRAPI_COMPANIES["13585628"])
    assert company == {
        "cvr": "13585628",
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4",
        "street2": "",
        "zip": "7100",
        "city": "Vejle",
        "phone": "75000000",
        "email": "info@maskinfabrik.example.dk",
        "industry_code": "282900",
        "industry_text": "Fremstilling af andre maskiner til generelle formål",
        "legal_form": "Anpartsselskab",
        "protected": False,
        "state": "active",
        "end_date": None,
        "provider": "cvrapi",
    }


def test_cvrapi_reference_example():
    raw = {
        "vat": 13585628,
        "name": "Eksempel Maskinfabrik ApS",
        "address": "Industrivej 4",
        "zipcode": "7100",
        "city": "Vejle",
        "protected": False,
        "phone": "75000000",
        "email": "info@example.dk",
        "startdate": "01/02 - 2010",
        "enddate": None,
        "industrycode": 282900,
        "industrydesc": "Fremstilling af maskiner",
        "companycode": 80,
        "companydesc": "Anpartsselskab",
        "productionunits": [],
        "version": 6,
    }
    company = company_from_cvrapi(raw)
    assert company["industry_code"] == "282900"
    assert company["email"] == "info@example.dk"


def test_cvrapi_ceased_company():
    company = company_from_cvrapi(CVRAPI_COMPANIES["10150817"])
    assert company["state"] == "ceased"
    assert company["end_date"] == "2021-06-30"
    assert company["phone"] == ""
    assert company["email"] == ""


def test_cvrapi_unparseable_end_date_still_means_ceased():
    company = company_from_cvrapi({"vat": 13585628, "name": "X", "enddate": "?"})
    assert company["state"] == "ceased"
    assert company["end_date"] is None


def test_cvrapi_protected_and_co_line():
    assert company_from_cvrapi(CVRAPI_COMPANIES["22756214"])["protected"] is True
    company = company_from_cvrapi(CVRAPI_COMPANIES["28271026"])
    assert company["street2"] == "c/o Eksempel Holding ApS"
    assert company["phone"] == "76000000"  # a number in the answer
    # An existing "c/o" prefix is not doubled.
    raw = {"vat": 1, "name": "X", "addressco": "C/O Revisor A/S"}
    assert company_from_cvrapi(raw)["street2"] == "C/O Revisor A/S"


def test_cvrapi_sparse_answer_has_every_key():
    company = company_from_cvrapi({"vat": "13585628", "name": "Lille ApS"})
    assert tuple(company) == COMPANY_KEYS
    assert company["cvr"] == "13585628"
    assert company["street"] == company["zip"] == company["industry_code"] == ""
    assert company["protected"] is False
    assert company["state"] != "ceased"


@pytest.mark.parametrize("value", ["true", "1", 1, True])
def test_cvrapi_protected_truthy_forms(value):
    assert company_from_cvrapi({"protected": value})["protected"] is True


@pytest.mark.parametrize("value", ["false", "0", 0, False, None, ""])
def test_cvrapi_protected_falsy_forms(value):
    assert company_from_cvrapi({"protected": value})["protected"] is False


def test_cvrapi_garbage_input_gives_empty_company():
    for raw in (None, [], "x"):
        company = company_from_cvrapi(raw)
        assert tuple(company) == COMPANY_KEYS
        assert company["cvr"] == ""


# -- virk (CVR distribution) ------------------------------------------------


def test_virk_full_answer():
    company = company_from_virk(_virk("13585628"))
    assert company == {
        "cvr": "13585628",
        "name": "Eksempel Maskinfabrik ApS",
        "street": "Industrivej 4",
        "street2": "",
        "zip": "7100",
        "city": "Vejle",
        "phone": "75000000",
        "email": "info@maskinfabrik.example.dk",
        "industry_code": "282900",
        "industry_text": "Fremstilling af andre maskiner til generelle formål",
        "legal_form": "Anpartsselskab",
        "protected": False,
        "state": "active",
        "end_date": None,
        "provider": "virk",
    }


def test_virk_reference_example():
    raw = {
        "cvrNummer": 13585628,
        "reklamebeskyttet": False,
        "virksomhedMetadata": {
            "nyesteNavn": {"navn": "Eksempel Maskinfabrik ApS"},
            "nyesteBeliggenhedsadresse": {
                "vejnavn": "Industrivej",
                "husnummerFra": 4,
                "postnummer": 7100,
                "postdistrikt": "Vejle",
            },
            "nyesteHovedbranche": {
                "branchekode": "282900",
                "branchetekst": "Fremstilling af maskiner",
            },
            "nyesteKontaktoplysninger": ["75000000", "info@example.dk"],
            "sammensatStatus": "NORMAL",
        },
    }
    company = company_from_virk(raw)
    assert company["street"] == "Industrivej 4"
    assert company["zip"] == "7100"
    assert company["phone"] == "75000000"
    assert company["email"] == "info@example.dk"
    assert company["legal_form"] == ""
    assert company["state"] != "ceased"


def test_virk_floor_side_and_protection():
    company = company_from_virk(_virk("22756214"))
    assert company["street"] == "Havnegade 12, 2. tv"
    assert company["protected"] is True
    # Contacts come in any order: classified by pattern, not by position.
    assert company["phone"] == "66 00 00 00"
    assert company["email"] == "kontakt@fjordlys.example.dk"
    assert company["legal_form"] == "Aktieselskab"


def test_virk_letter_range_and_co_line():
    assert company_from_virk(_virk("10150817"))["street"] == "Bygaden 7B"
    company = company_from_virk(_virk("28271026"))
    assert company["street"] == "Transportvej 18-20"
    assert company["street2"] == "c/o Eksempel Holding ApS"
    assert company["phone"] == "+45 76 00 00 00"


def test_virk_ground_floor_is_kept_as_written():
    raw = _virk("13585628")
    raw["virksomhedMetadata"]["nyesteBeliggenhedsadresse"].update(
        etage="st", sidedoer="th", bogstavFra="A"
    )
    assert company_from_virk(raw)["street"] == "Industrivej 4A, st th"


def test_virk_ceased_by_status():
    company = company_from_virk(_virk("10150817"))
    assert company["state"] == "ceased"
    assert company["end_date"] == "2021-06-30"
    assert company["phone"] == company["email"] == ""


def test_virk_ceased_by_lifecycle_end_even_with_normal_status():
    raw = _virk("13585628")
    raw["livsforloeb"] = [
        {"periode": {"gyldigFra": "2010-02-01", "gyldigTil": "2023-12-31"}}
    ]
    company = company_from_virk(raw)
    assert company["state"] == "ceased"
    assert company["end_date"] == "2023-12-31"


def test_virk_restarted_company_uses_latest_lifecycle():
    raw = _virk("13585628")
    del raw["virksomhedMetadata"]["stiftelsesDato"]
    raw["livsforloeb"] = [
        {"periode": {"gyldigFra": "2015-01-01", "gyldigTil": None}},
        {"periode": {"gyldigFra": "2001-04-01", "gyldigTil": "2009-12-31"}},
    ]
    company = company_from_virk(raw)
    assert company["state"] != "ceased"
    assert company["end_date"] is None


def test_virk_sparse_answer_has_every_key():
    company = company_from_virk({"cvrNummer": 39090325})
    assert tuple(company) == COMPANY_KEYS
    assert company["cvr"] == "39090325"
    assert company["name"] == company["street"] == ""
    assert company["protected"] is False
    assert company["state"] != "ceased"
    assert company["provider"] == "virk"


def test_virk_tolerates_nulls_and_odd_types():
    raw = {
        "cvrNummer": 29910251,
        "reklamebeskyttet": None,
        "livsforloeb": None,
        "virksomhedMetadata": {
            "nyesteNavn": None,
            "nyesteBeliggenhedsadresse": None,
            "nyesteHovedbranche": {"branchekode": 702200, "branchetekst": None},
            "nyesteVirksomhedsform": {"kortBeskrivelse": "APS"},
            "nyesteKontaktoplysninger": "info@example.dk",
            "sammensatStatus": None,
        },
    }
    company = company_from_virk(raw)
    assert company["industry_code"] == "702200"
    assert company["legal_form"] == "APS"
    assert company["email"] == "info@example.dk"
    assert company["name"] == company["street"] == ""


@pytest.mark.parametrize(
    ("status", "ceased", "bankrupt", "state"),
    [
        ("NORMAL", False, False, "active"),
        ("Aktiv", False, False, "active"),
        ("UNDER KONKURS", False, False, "bankruptcy"),
        ("UNDER REKONSTRUKTION", False, False, "reconstruction"),
        ("UNDER TVANGSOPLØSNING", False, False, "dissolution"),
        ("UDEN RETSVIRKNING", False, False, "no_legal_effect"),
        ("OPLØST EFTER KONKURS", False, False, "ceased"),
        ("NORMAL", True, False, "ceased"),
        ("", False, True, "bankruptcy"),
    ],
)
def test_register_state(status, ceased, bankrupt, state):
    assert register_state(status, ceased, bankrupt) == state


def test_cvrapi_real_shape_answers():
    company = company_from_cvrapi(fixture("cvrapi/company.json"))
    assert (company["cvr"], company["zip"], company["phone"]) == (
        "35000011",
        "8700",
        "75600000",
    )
    assert company["state"] == "active"
    bankrupt = company_from_cvrapi(fixture("cvrapi/company_bankrupt.json"))
    assert bankrupt["state"] == "bankruptcy"
    assert bankrupt["state"] != "ceased"


def test_virk_troubled_status_is_not_active():
    document = copy.deepcopy(VIRK_COMPANIES["13585628"])
    document["virksomhedMetadata"]["sammensatStatus"] = "UNDER TVANGSOPLØSNING"
    company = company_from_virk(document)
    assert company["state"] != "ceased"
    assert company["state"] == "dissolution"


def test_partner_values_follow_the_field_table():
    company = company_from_virk(_virk("22756214"))
    assert partner_values(company) == {
        "name": "Fjordlys Rådgivning A/S",
        "street": "Havnegade 12, 2. tv",
        "street2": False,
        "zip": "5000",
        "city": "Odense C",
        "phone": "66 00 00 00",
        "email": "kontakt@fjordlys.example.dk",
        "vat": "DK22756214",
        "company_registry": "22756214",
        "cvr_industry_code": company["industry_code"],
        "cvr_industry_text": company["industry_text"],
        "cvr_legal_form": "Aktieselskab",
        "cvr_status": "active",
        "cvr_protected": True,
    }
    empty = partner_values(company_from_cvrapi({}))
    assert empty["vat"] is empty["company_registry"] is empty["name"] is False
