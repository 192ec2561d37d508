"""Make the database of ``make run`` a Danish manufacturer's.

Fed to ``odoo-bin shell`` by ensure_demo_db (scripts/lib.sh), for the product
database only (the addon's tests never see this). Two steps, chosen by
TRACELINK_PRODUCT_STEP:

``company``  on a database with only ``base``: the first company becomes a
             Danish manufacturer (address, CVR, phone, e-mail, website, DKK,
             A4) and the administrator speaks Danish, so that installing
             accounting then picks Denmark's chart (l10n_dk, 25 % moms).
``demo``     after tracelink_crm and its demo data are installed: the
             company's logo (drawn here), bank account and report footer,
             Danish names for the administrator and the demo user (the
             salesperson printed on the demo orders' confirmations), only
             Tracelink's own demo cases in the pipeline (Odoo's own
             English/French CRM demo leads are removed), and Odoo's
             paid lead enrichment turned off, so that the server log shows
             only what needs attention.
"""

import base64
import io
import os

from markupsafe import Markup
from PIL import Image, ImageDraw

env = globals()["env"]  # set by odoo-bin shell

COMPANY = {
    "name": "Nordvest Stål & Maskiner A/S",
    "street": "Industrivej 17",
    "zip": "7500",
    "city": "Holstebro",
    "company_registry": "37128406",
    "vat": "DK37128406",
    "phone": "+45 96 10 20 30",
    "email": "salg@nordvest-staal.example.com",
    "website": "https://nordvest-staal.example.com",
}
BANK = {"bank": "Danske Bank", "bic": "DABADKKK", "account": "3409 0012345678"}
# Odoo's demo users, as the company's own people (logins stay admin and demo)
USERS = {
    "base.user_admin": {
        "name": "Lars Mikkelsen",
        "email": "lars.mikkelsen@nordvest-staal.example.com",
        "phone": "+45 96 10 20 31",
    },
    "base.user_demo": {
        "name": "Sofie Andersen",
        "email": "sofie.andersen@nordvest-staal.example.com",
        "phone": "+45 96 10 20 32",
    },
}


def draw_logo(size=160):
    """The company's mark, ours: a steel I-beam on a dark blue badge with an
    orange corner pointing north-west. Drawn at four times the size and
    scaled down, for smooth edges. PNG bytes."""
    big = size * 4
    unit = big / 40
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (0, 0, big - 1, big - 1), radius=6 * unit, fill=(31, 59, 87, 255)
    )
    steel = (255, 255, 255, 255)
    draw.rectangle((10 * unit, 11 * unit, 30 * unit, 15 * unit), fill=steel)
    draw.rectangle((18 * unit, 15 * unit, 22 * unit, 27 * unit), fill=steel)
    draw.rectangle((10 * unit, 27 * unit, 30 * unit, 31 * unit), fill=steel)
    draw.polygon(
        [(3 * unit, 3 * unit), (13 * unit, 3 * unit), (3 * unit, 13 * unit)],
        fill=(232, 119, 46, 255),
    )
    out = io.BytesIO()
    image.resize((size, size), Image.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def set_up_company():
    company = env.ref("base.main_company")
    dkk = env.ref("base.DKK")
    dkk.active = True
    company.write(
        dict(
            COMPANY,
            country_id=env.ref("base.dk").id,
            currency_id=dkk.id,
            paperformat_id=env.ref("base.paperformat_euro").id,
        )
    )
    env["res.lang"]._activate_lang("da_DK")
    for user in (env.ref("base.user_admin"), env.ref("base.public_user")):
        user.partner_id.write({"lang": "da_DK", "tz": "Europe/Copenhagen"})
    print(f"product-company: {company.name}, {company.currency_id.name}")


def set_up_users():
    for xmlid, values in USERS.items():
        user = env.ref(xmlid, raise_if_not_found=False)
        if not user:
            continue
        user.write(
            {
                **values,
                "signature": Markup("<p>%s<br/>%s</p>")
                % (values["name"], COMPANY["name"]),
            }
        )
        user.partner_id.write({"lang": "da_DK", "tz": "Europe/Copenhagen"})


def set_up_demo():
    company = env.ref("base.main_company")
    # other apps' demo data (stock's) renames the main company: ours again
    company.write({"name": COMPANY["name"], "logo": base64.b64encode(draw_logo())})
    set_up_users()
    partner = company.partner_id
    if not partner.bank_ids:
        bank = env["res.bank"].search([("bic", "=", BANK["bic"])], limit=1)
        bank = bank or env["res.bank"].create(
            {"name": BANK["bank"], "bic": BANK["bic"]}
        )
        env["res.partner.bank"].create(
            {
                "partner_id": partner.id,
                "bank_id": bank.id,
                "acc_number": BANK["account"],
            }
        )
    company._tracelink_set_report_footer()

    # Demo products and orders are made before the chart (and its 25 % moms)
    # is loaded at the end of the installation: give them the sales tax now.
    sale_tax = company.account_sale_tax_id
    products = env["product.template"].search([("taxes_id", "=", False)])
    products.taxes_id = sale_tax
    lines = env["sale.order.line"].search(
        [("tax_id", "=", False), ("display_type", "=", False)]
    )
    lines._compute_tax_id()

    ours = env["ir.model.data"].search(
        [
            ("module", "in", ("tracelink_crm", "tracelink_crm_mrp")),
            ("model", "=", "crm.lead"),
        ]
    )
    # Odoo's own demo leads, lost ones included: a lost lead is an archived one
    # at 0 %, which the case screens show under Lost, so archiving would not
    # put them away. Demo data only, removed by the superuser.
    others = (
        env["crm.lead"]
        .with_context(active_test=False)
        .search([("id", "not in", ours.mapped("res_id"))])
    )
    others.unlink()

    # make to order, which Odoo keeps archived until a company uses it, so
    # that the manufacturing demo's won case can be converted into production
    mto = env.ref("stock.route_warehouse0_mto", raise_if_not_found=False)
    if mto:
        mto.active = True
    print(
        f"product-demo: chart {company.chart_template}, "
        f"{len(ours)} Tracelink cases, {len(others)} other demo leads removed"
    )
    turn_off_lead_enrichment()


def turn_off_lead_enrichment():
    """Odoo's lead enrichment (crm_iap_enrich, installed with crm) sends the
    e-mail domain of every new case to a paid service (IAP) from a scheduled
    action triggered by each new case; without a subscription every run logs
    a warning with a stack. "Enrich leads on demand only" (Settings -> CRM),
    as Odoo's own setting stores it: the parameter and the scheduled action
    off (crm_iap_enrich's res.config.settings.set_values)."""
    env["ir.config_parameter"].set_param("crm.iap.lead.enrich.setting", "manual")
    cron = env.ref("crm_iap_enrich.ir_cron_lead_enrichment", raise_if_not_found=False)
    if cron:
        cron.active = False
    print("product-services: lead enrichment on demand only, its scheduled action off")


STEPS = {"company": set_up_company, "demo": set_up_demo}
STEPS[os.environ["TRACELINK_PRODUCT_STEP"]]()
env.cr.commit()
