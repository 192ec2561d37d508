"""Render the order confirmation of one order to a PDF file, and check it.

Fed to ``odoo-bin shell`` by scripts/render_order_confirmation.sh, which
starts an Odoo server for the database and sets TRACELINK_REPORT_URL to it:
wkhtmltopdf loads the report's styles from there. Renders the order named by
TRACELINK_ORDER (an order number) or else the first confirmed demo order
(else any confirmed order), writes TRACELINK_PDF, and prints
``order-confirmation: <file> <order> <pages> page(s)``. Changes nothing in the
database (the transaction is rolled back).
"""

import io
import os
import sys

from odoo.tools.pdf import PdfFileReader

REPORT = "tracelink_crm.sale_order_action_report_confirmation"

env = globals()["env"]  # set by odoo-bin shell
try:
    env["ir.config_parameter"].sudo().set_param(
        "report.url", os.environ["TRACELINK_REPORT_URL"]
    )
    orders = env["sale.order"]
    if os.environ.get("TRACELINK_ORDER"):
        order = orders.search([("name", "=", os.environ["TRACELINK_ORDER"])], limit=1)
    else:
        order = env.ref("tracelink_crm.sale_order_tl03_demo", raise_if_not_found=False)
        if not order or order.state != "sale":
            order = orders.search([("state", "=", "sale")], order="id", limit=1)
    if not order:
        sys.exit("order-confirmation: no confirmed order to render in this database")
    pdf, kind = env["ir.actions.report"]._render_qweb_pdf(REPORT, order.ids)
    if kind != "pdf" or not pdf.startswith(b"%PDF-"):
        sys.exit(f"order-confirmation: {kind} instead of a PDF for {order.name}")
    pages = len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)
    if pages < 1:
        sys.exit(f"order-confirmation: the PDF of {order.name} has no page")
    path = os.environ["TRACELINK_PDF"]
    with open(path, "wb") as out:
        out.write(pdf)
    print(f"order-confirmation: {path} {order.name} {pages} page(s)")
finally:
    env.cr.rollback()
