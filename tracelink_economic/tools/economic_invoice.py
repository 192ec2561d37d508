"""Pure translations for e-conomic invoices (no HTTP, no ORM): the body of a
draft invoice from plain order data, and the state of a booked invoice."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# e-conomic's published limits of a draft invoice line.
PRODUCT_NUMBER_LENGTH = 25
DESCRIPTION_LENGTH = 2500
REFERENCE_LENGTH = 250
# Decimals e-conomic accepts in unitNetPrice (more: error E04740).
PRICE_DECIMALS = 2
RECIPIENT_KEYS = ("address", "zip", "city", "country")


def _round(value):
    exponent = Decimal(1).scaleb(-PRICE_DECIMALS)
    return float(Decimal(str(value or 0)).quantize(exponent, rounding=ROUND_HALF_UP))


def has_more_decimals(value):
    return _round(value) != float(value or 0)


def _number(value):
    """A float without a needless ".0" (quantities such as 3 stay 3)."""
    value = float(value)
    return int(value) if value.is_integer() else value


def invoice_line(line, line_number):
    """One line of ``POST /invoices/drafts`` from a plain line (see
    ``SaleOrder._economic_lines``). A price e-conomic cannot hold (more than
    2 decimals) is sent as one unit at the line's net amount, its quantity and
    price named in the description, so that the totals stay Odoo's."""
    description = " ".join(str(line.get("description") or "").split())
    body = {"lineNumber": line_number, "sortKey": line_number}
    if line["kind"] == "text":
        body["description"] = description[:DESCRIPTION_LENGTH] or "-"
        return body
    number = str(line["product_number"])
    if len(number) > PRODUCT_NUMBER_LENGTH:
        raise ValueError(
            f"product number {number!r} is longer than {PRODUCT_NUMBER_LENGTH}"
        )
    quantity = line["quantity"]
    price = line["price_unit"]
    discount = line.get("discount") or 0.0
    if has_more_decimals(price):
        count = f"{_number(quantity)} x {_number(price)}"
        description = f"{description} ({count})" if description else count
        quantity, price, discount = 1, _round(line["subtotal"]), 0.0
    body.update(
        product={"productNumber": number},
        description=(description or number)[:DESCRIPTION_LENGTH],
        quantity=_number(quantity),
        unitNetPrice=_round(price),
    )
    if discount:
        body["discountPercentage"] = _round(discount)
    if line.get("unit_number"):
        body["unit"] = {"unitNumber": line["unit_number"]}
    return body


def draft_invoice_body(head, lines):
    """The body of ``POST /invoices/drafts`` from ``head`` (the keys of
    ``SaleOrder._economic_head``) and plain ``lines``. Empty values are left
    out (e-conomic refuses null); ``ValueError`` for what it would refuse."""
    reference = str(head["reference"] or "")
    if not reference or len(reference) > REFERENCE_LENGTH:
        raise ValueError(f"invalid order reference {reference!r}")
    missing = [
        key
        for key in ("customer_number", "layout", "payment_terms", "vat_zone")
        if not head.get(key)
    ]
    if missing:
        raise ValueError("missing " + ", ".join(missing))
    given = head["recipient"]
    recipient = {key: given[key] for key in RECIPIENT_KEYS if given.get(key)}
    recipient.update(name=given["name"], vatZone={"vatZoneNumber": head["vat_zone"]})
    if given.get("ean"):
        recipient.update(ean=given["ean"], nemHandelType="ean")
    body = {
        "currency": head["currency"],
        "customer": {"customerNumber": head["customer_number"]},
        "date": head["date"].isoformat(),
        "layout": {"layoutNumber": head["layout"]},
        "paymentTerms": {"paymentTermsNumber": head["payment_terms"]},
        "recipient": recipient,
        "references": {"other": reference},
        "lines": [invoice_line(line, index) for index, line in enumerate(lines, 1)],
    }
    if head.get("heading"):
        body["notes"] = {"heading": head["heading"][:250]}
    return body


def booked_status(invoice, today):
    """``(state, values)`` of a booked invoice: ``paid`` without remainder,
    ``overdue`` past its due date, ``partial`` when part is paid, else
    ``booked`` (as of ``today``); values ``number``, ``due_date``, ``remainder``."""
    remainder = float(invoice.get("remainder") or 0.0)
    gross = float(invoice.get("grossAmount") or 0.0)
    due = invoice.get("dueDate")
    due_date = date.fromisoformat(due[:10]) if isinstance(due, str) and due else None
    if remainder <= 0.0:
        state = "paid"
    elif due_date and due_date < today:
        state = "overdue"
    elif gross and remainder < gross:
        state = "partial"
    else:
        state = "booked"
    return state, {
        "number": invoice.get("bookedInvoiceNumber"),
        "due_date": due_date,
        "remainder": remainder,
    }


def invoice_reference(invoice):
    references = invoice.get("references") if isinstance(invoice, dict) else None
    return str(references.get("other") or "") if isinstance(references, dict) else ""


def name_key(name):
    """A name of an e-conomic catalogue compared without case and outer spaces."""
    return str(name or "").strip().casefold()


def numbers_by_name(items, number_key):
    """``{name key: number}`` of an e-conomic catalogue (payment terms,
    units), the first of a name winning."""
    numbers = {}
    for item in items:
        if isinstance(item, dict):
            numbers.setdefault(name_key(item.get("name")), item.get(number_key))
    return numbers
