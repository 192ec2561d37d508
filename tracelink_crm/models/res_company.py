from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.cvr_client import (
    CvrApiDkClient,
    VirkDistributionClient,
    user_agent_problem,
)
from ..tools.http_client import is_secure_url
from .tracelink_cvr_api import (
    CVR_PROVIDER_SELECTION,
    DEFAULT_CACHE_HOURS,
    DEFAULT_LOOKUP_LIMIT,
    DEFAULT_TIMEOUT,
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # --- CVR register ---------------------------------------------------

    # Not required in the database: companies created by other code keep
    # working; an empty provider means cvrapi.dk.
    cvr_provider = fields.Selection(
        CVR_PROVIDER_SELECTION,
        string="CVR Provider",
        default=CvrApiDkClient.code,
        help="Where the New CVR customer wizard and Refresh from CVR look "
        "companies up: cvrapi.dk (no account, about 50 look-ups a day) or "
        "the CVR distribution of the Danish Business Authority (user and "
        "password on request; several candidates for a name).",
    )
    cvr_cvrapi_url = fields.Char(
        string="cvrapi.dk Address",
        default=CvrApiDkClient.default_base_url,
    )
    cvr_cvrapi_user_agent = fields.Char(
        string="cvrapi.dk User-Agent",
        help="How this database introduces itself to cvrapi.dk: "
        "“<product> - <purpose> - <contact>”, in plain ASCII, the contact an "
        "e-mail address or a website. Empty: “Tracelink CRM - customer lookup "
        "- ” followed by the company's e-mail (or website).",
    )
    cvr_cvrapi_token = fields.Char(
        string="cvrapi.dk Token",
        groups="base.group_system",
        copy=False,
        help="Token of a paid cvrapi.dk subscription (optional).",
    )
    cvr_virk_url = fields.Char(
        string="CVR Distribution Address",
        default=VirkDistributionClient.default_base_url,
    )
    cvr_virk_username = fields.Char(
        string="CVR Distribution User",
        groups="base.group_system",
        copy=False,
    )
    cvr_virk_password = fields.Char(
        string="CVR Distribution Password",
        groups="base.group_system",
        copy=False,
    )
    cvr_timeout = fields.Integer(
        string="CVR Timeout (seconds)",
        default=DEFAULT_TIMEOUT,
        help="How long to wait for the CVR register before giving up.",
    )
    cvr_cache_hours = fields.Integer(
        string="CVR Cache (hours)",
        default=DEFAULT_CACHE_HOURS,
        help="How long an answer of the CVR register is reused before it is "
        "asked again (0: never reused).",
    )

    cvr_lookup_limit = fields.Integer(
        string="CVR Look-ups per User and Hour",
        default=DEFAULT_LOOKUP_LIMIT,
        help="How many calls to the CVR register one user may cause in an hour "
        "(answers from the cache do not count; 0: no limit).",
    )

    @api.constrains("cvr_timeout", "cvr_cache_hours", "cvr_lookup_limit")
    def _check_cvr_settings(self):
        for company in self:
            if company.cvr_timeout <= 0:
                raise ValidationError(
                    self.env._("The CVR timeout must be at least one second.")
                )
            if company.cvr_lookup_limit < 0:
                raise ValidationError(
                    self.env._("The CVR look-up limit cannot be negative.")
                )
            if company.cvr_cache_hours < 0:
                raise ValidationError(
                    self.env._("The CVR cache time cannot be negative.")
                )

    @api.constrains("cvr_virk_url", "cvr_cvrapi_url", "cvr_cvrapi_token")
    def _check_cvr_addresses(self):
        """Credentials travel over HTTPS only (a local address for tests)."""
        for company in self.sudo():
            insecure = company.cvr_virk_url and not is_secure_url(company.cvr_virk_url)
            if company.cvr_cvrapi_token and company.cvr_cvrapi_url:
                insecure = insecure or not is_secure_url(company.cvr_cvrapi_url)
            if insecure:
                raise ValidationError(
                    self.env._(
                        "The CVR register receives credentials: its address must "
                        "start with https:// (a plain http:// address is only "
                        "accepted on this machine)."
                    )
                )

    @api.constrains("cvr_cvrapi_user_agent")
    def _check_cvr_user_agent(self):
        for company in self.filtered("cvr_cvrapi_user_agent"):
            if user_agent_problem(company.cvr_cvrapi_user_agent):
                raise ValidationError(
                    self.env._(
                        "cvrapi.dk only answers a User-Agent of the form "
                        "“application - purpose - contact”, in plain ASCII "
                        "(no curly quotes or long dashes), ending with an e-mail "
                        "address or a website, e.g. “Tracelink CRM - customer "
                        "lookup - it@example.dk”. “%s” is not.",
                        company.cvr_cvrapi_user_agent,
                    )
                )

    def _get_cvr_user_agent(self):
        """The User-Agent sent to cvrapi.dk: the setting, else one naming the
        product and the company's e-mail (or website) as contact; False when
        there is no contact (the look-up is then refused)."""
        self.ensure_one()
        if self.cvr_cvrapi_user_agent:
            return self.cvr_cvrapi_user_agent.strip()
        contact = self.email or self.website
        return contact and f"Tracelink CRM - customer lookup - {contact}"

    # --- e-conomic ------------------------------------------------------

    economic_enabled = fields.Boolean(
        string="e-conomic Connector",
        help="New customers are created in e-conomic first, and e-conomic's "
        "customers are imported every hour.",
    )
    economic_base_url = fields.Char(
        string="e-conomic Base URL",
        default="https://restapi.e-conomic.com",
    )
    economic_app_secret_token = fields.Char(
        string="e-conomic App Secret Token",
        groups="base.group_system",
        copy=False,
    )
    economic_agreement_grant_token = fields.Char(
        string="e-conomic Agreement Grant Token",
        groups="base.group_system",
        copy=False,
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
        help="Number of the VAT zone new customers get in e-conomic "
        "(1 is Domestic on standard agreements).",
    )
    economic_currency_id = fields.Many2one(
        "res.currency",
        string="e-conomic Currency",
        help="Currency of new customers in e-conomic; empty: the company's.",
    )
    economic_last_import = fields.Datetime(
        string="Last e-conomic Import",
        readonly=True,
        copy=False,
        help="Start of the last successful customer import; the next one asks "
        "e-conomic only for customers changed since then.",
    )
    economic_import_created = fields.Integer(
        string="Customers Created", readonly=True, copy=False
    )
    economic_import_updated = fields.Integer(
        string="Customers Updated", readonly=True, copy=False
    )
    economic_import_unchanged = fields.Integer(
        string="Customers Unchanged", readonly=True, copy=False
    )
    economic_import_skipped = fields.Integer(
        string="Customers Skipped", readonly=True, copy=False
    )
    economic_import_notes = fields.Text(
        string="e-conomic Import Notes",
        readonly=True,
        copy=False,
        help="The customers the last successful import skipped, and why.",
    )
    economic_import_error = fields.Text(
        string="e-conomic Import Error",
        readonly=True,
        copy=False,
        help="Why the last scheduled or manual import failed; empty after a "
        "successful one.",
    )

    @api.constrains(
        "economic_timeout",
        "economic_customer_group",
        "economic_payment_terms",
        "economic_vat_zone",
    )
    def _check_economic_settings(self):
        for company in self:
            if company.economic_timeout <= 0:
                raise ValidationError(
                    self.env._("The e-conomic timeout must be at least one second.")
                )
            numbers = (
                company.economic_customer_group,
                company.economic_payment_terms,
                company.economic_vat_zone,
            )
            if any(number < 0 for number in numbers):
                raise ValidationError(
                    self.env._(
                        "e-conomic customer group, payment terms and VAT zone "
                        "numbers cannot be negative."
                    )
                )

    # --- Order conversion -----------------------------------------------

    tracelink_order_product_id = fields.Many2one(
        "product.product",
        string="Default Order Product",
        default=lambda self: self.env.ref(
            "tracelink_crm.product_product_order_default", raise_if_not_found=False
        ),
        domain=[("sale_ok", "=", True)],
        help="Product of the single order line made when a won case without a "
        "quotation is converted to an order; the line carries the case's name, "
        "description and value.",
    )
    tracelink_order_auto_send = fields.Boolean(
        string="E-mail Order Confirmation on Conversion",
        default=True,
        help="When a case is converted to an order, e-mail the order "
        "confirmation (PDF) to the customer.",
    )

    @api.model
    def _set_default_order_product(self):
        """Give the companies that exist at installation the default order
        product (new companies get it from the field's default)."""
        product = self.env.ref(
            "tracelink_crm.product_product_order_default", raise_if_not_found=False
        )
        if product:
            self.sudo().search(
                [("tracelink_order_product_id", "=", False)]
            ).tracelink_order_product_id = product
