from functools import partial

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.translate import LazyTranslate

from odoo.addons.tracelink_cvr.tools.http_client import is_secure_url

from ..tools.economic_client import DEFAULT_BASE_URL

_lt = LazyTranslate(__name__)

# The service address and tokens steer where the tokens are sent:
# administrators only.
_AdminChar = partial(fields.Char, groups="base.group_system")
_SecretChar = partial(_AdminChar, copy=False)
# What the import found (customer names, numbers): administrators and sales
# managers.
_ImportText = partial(
    fields.Text,
    groups="base.group_system,sales_team.group_sale_manager",
    readonly=True,
    copy=False,
)
# Kept by the import itself: never edited, never copied.
_ImportCount = partial(fields.Integer, readonly=True, copy=False)
_ImportTime = partial(fields.Datetime, readonly=True, copy=False)
# (fields, smallest value allowed, message)
_NUMBER_RULES = (
    (
        ("economic_timeout",),
        1,
        _lt("The e-conomic timeout must be at least one second."),
    ),
    (
        (
            "economic_customer_group",
            "economic_payment_terms",
            "economic_vat_zone",
            "economic_vat_zone_eu",
            "economic_vat_zone_abroad",
        ),
        0,
        _lt(
            "e-conomic customer group, payment terms and VAT zone "
            "numbers cannot be negative."
        ),
    ),
)


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.constrains(*(name for names, _min, _msg in _NUMBER_RULES for name in names))
    def _check_setting_numbers(self):
        for company in self:
            for names, minimum, message in _NUMBER_RULES:
                if any(company[name] < minimum for name in names):
                    raise ValidationError(str(message))

    @api.constrains("economic_base_url")
    def _check_economic_address(self):
        """The e-conomic tokens travel with every call: HTTPS only."""
        for company in self.sudo():
            if company.economic_base_url and not is_secure_url(
                company.economic_base_url
            ):
                raise ValidationError(
                    self.env._(
                        "e-conomic receives the agreement's tokens: its address "
                        "must start with https:// (a plain http:// address is "
                        "only accepted on this machine)."
                    )
                )

    economic_enabled = fields.Boolean(
        string="e-conomic Connector",
        help="New customers are created in e-conomic first, and e-conomic's "
        "customers are imported every hour.",
    )
    economic_base_url = _AdminChar(
        string="e-conomic Base URL", default=DEFAULT_BASE_URL
    )
    economic_app_secret_token = _SecretChar(string="e-conomic App Secret Token")
    economic_agreement_grant_token = _SecretChar(
        string="e-conomic Agreement Grant Token"
    )
    economic_timeout = fields.Integer(
        string="e-conomic Timeout (seconds)",
        default=30,
        help="How long to wait for each answer of e-conomic.",
    )
    economic_customer_group = fields.Integer(
        string="e-conomic Customer Group",
        default=1,
        help="Number of the customer group new customers get in e-conomic.",
    )
    economic_payment_terms = fields.Integer(
        string="e-conomic Payment Terms",
        default=1,
        help="Number of the payment terms new customers get in e-conomic.",
    )
    economic_vat_zone = fields.Integer(
        string="e-conomic VAT Zone",
        default=1,
        help="Number of the VAT zone new customers in the company's own country "
        "(or without a country) get in e-conomic (1 is Domestic on standard "
        "agreements).",
    )
    economic_vat_zone_eu = fields.Integer(
        string="e-conomic VAT Zone, EU",
        default=2,
        help="Number of the VAT zone new customers in another country of Europe "
        "get in e-conomic (2 is EU on standard agreements).",
    )
    economic_vat_zone_abroad = fields.Integer(
        string="e-conomic VAT Zone, Abroad",
        default=3,
        help="Number of the VAT zone new customers outside Europe get in "
        "e-conomic (3 is Abroad on standard agreements).",
    )
    economic_currency_id = fields.Many2one(
        "res.currency",
        string="e-conomic Currency",
        help="Currency of new customers in e-conomic; empty: the company's.",
    )
    economic_last_import = _ImportTime(
        string="Last e-conomic Import",
        help="Start of the last completed customer import; the next one asks "
        "e-conomic only for customers changed since then.",
    )
    economic_import_created = _ImportCount(string="Customers Created")
    economic_import_updated = _ImportCount(string="Customers Updated")
    economic_import_unchanged = _ImportCount(string="Customers Unchanged")
    economic_import_skipped = _ImportCount(string="Customers Skipped")
    economic_import_notes = _ImportText(
        string="e-conomic Import Notes",
        help="The customers the last successful import skipped, and why.",
    )
    economic_import_error = _ImportText(
        string="e-conomic Import Error",
        help="Why the last scheduled or manual import failed; empty after a "
        "successful one.",
    )
    # Checkpoint of the import under way: it resumes after the last page
    # that landed; economic_last_import moves when every page has landed.
    economic_import_started = _ImportTime(
        string="e-conomic Import Started",
        help="Start of the customer import under way; empty when none is.",
    )
    economic_import_page = _ImportCount(string="e-conomic Import Pages Landed")
    economic_import_last_number = _ImportCount(
        string="e-conomic Import Checkpoint",
        help="Highest customer number of the pages landed by the import under "
        "way; it goes on after this number.",
    )
