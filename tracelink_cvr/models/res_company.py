from functools import partial

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.cvr_client import (
    PROVIDER_SELECTION,
    CvrApiDkClient,
    VirkDistributionClient,
    user_agent_problem,
)
from ..tools.http_client import is_secure_url

# The service addresses and credentials steer where credentials are sent:
# administrators only.
_AdminChar = partial(fields.Char, groups="base.group_system")
_SecretChar = partial(_AdminChar, copy=False)


class ResCompany(models.Model):
    _inherit = "res.company"

    # Not required in the database: companies created by other code keep
    # working; an empty provider means cvrapi.dk.
    cvr_provider = fields.Selection(
        PROVIDER_SELECTION,
        string="CVR Provider",
        default=CvrApiDkClient.code,
        help="Where the New CVR customer wizard and Refresh from CVR look "
        "companies up: cvrapi.dk (no account, about 50 look-ups a day) or "
        "the CVR distribution of the Danish Business Authority (user and "
        "password on request; several candidates for a name).",
    )
    cvr_cvrapi_url = _AdminChar(
        string="cvrapi.dk Address", default=CvrApiDkClient.default_base_url
    )
    cvr_cvrapi_user_agent = fields.Char(
        string="cvrapi.dk User-Agent",
        help="How this database introduces itself to cvrapi.dk: "
        "“<product> - <purpose> - <contact>”, in plain ASCII, the contact an "
        "e-mail address or a website. Empty: “Tracelink CRM - customer lookup "
        "- ” followed by the company's e-mail (or website).",
    )
    cvr_cvrapi_token = _SecretChar(
        string="cvrapi.dk Token",
        help="Token of a paid cvrapi.dk subscription (optional).",
    )
    cvr_virk_url = _AdminChar(
        string="CVR Distribution Address",
        default=VirkDistributionClient.default_base_url,
    )
    cvr_virk_username = _SecretChar(string="CVR Distribution User")
    cvr_virk_password = _SecretChar(string="CVR Distribution Password")
    cvr_timeout = fields.Integer(
        string="CVR Timeout (seconds)",
        default=10,
        help="How long to wait for the CVR register before giving up.",
    )

    # Where the CVR watch stands on the CVR distribution (tracelink.cvr.watch)
    cvr_watch_since = fields.Datetime(
        string="CVR Watch: Last Run",
        readonly=True,
        copy=False,
        help="Start of the last complete run of the CVR watch on the CVR "
        "distribution: the next one asks for the changes since then.",
    )
    cvr_watch_run_start = fields.Datetime(
        string="CVR Watch: Run Under Way",
        readonly=True,
        copy=False,
        help="Start of the run of the CVR watch under way on the CVR distribution.",
    )

    @api.constrains("cvr_timeout")
    def _check_cvr_timeout(self):
        if any(company.cvr_timeout < 1 for company in self):
            raise ValidationError(
                self.env._("The CVR timeout must be at least one second.")
            )

    @api.constrains("cvr_virk_url", "cvr_cvrapi_url", "cvr_cvrapi_token")
    def _check_cvr_addresses(self):
        """Credentials travel over HTTPS only (a local address for tests)."""
        for company in self.sudo():
            urls = [company.cvr_virk_url]
            if company.cvr_cvrapi_token:
                urls.append(company.cvr_cvrapi_url)
            if not all(is_secure_url(url) for url in urls if url):
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
        """The setting, else one with the company's e-mail or website (False
        without either: the look-up is then refused)."""
        self.ensure_one()
        if self.cvr_cvrapi_user_agent:
            return self.cvr_cvrapi_user_agent.strip()
        contact = self.email or self.website
        return contact and f"Tracelink CRM - customer lookup - {contact}"

    def _get_cvr_client(self):
        self.ensure_one()
        if not self.env.su and self not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot look companies up in the CVR register with the "
                    "settings of %s: you do not work for that company.",
                    self.sudo().display_name,
                )
            )
        settings = self.sudo()
        if settings.cvr_provider != VirkDistributionClient.code:
            return CvrApiDkClient(
                settings.cvr_cvrapi_url,
                settings.cvr_timeout,
                user_agent=settings._get_cvr_user_agent(),
                token=settings.cvr_cvrapi_token,
            )
        if not (settings.cvr_virk_username and settings.cvr_virk_password):
            raise UserError(
                self.env._(
                    "No user name and password are set for the CVR distribution "
                    "(virk.dk). Ask your administrator to enter them in "
                    "Settings > General Settings > CVR Register."
                )
            )
        return VirkDistributionClient(
            settings.cvr_virk_url,
            settings.cvr_timeout,
            username=settings.cvr_virk_username,
            password=settings.cvr_virk_password,
        )
