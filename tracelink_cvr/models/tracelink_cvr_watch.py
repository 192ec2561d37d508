import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.cvr_client import WATCH_BATCH_SIZE, WATCH_PAGE_SIZE, VirkDistributionClient
from ..tools.exceptions import NotFound, ServiceError

_logger = logging.getLogger(__name__)

# Companies looked up on cvrapi.dk per call of the scheduled action.
CVRAPI_CHUNK = 10
# The CVR distribution's changes are asked for since the last run's start
# less this much: the register stamps its own time, and a change it indexes
# late is still seen (a company seen twice changes nothing the second time).
VIRK_OVERLAP = timedelta(days=1)
# Key of the advisory lock a call of the watch holds for its transaction: a
# second run at once (another cron worker or server) leaves the work to it,
# so that no company is looked up twice nor the budget spent twice.
WATCH_LOCK = 0x54435657


class TracelinkCvrWatch(models.AbstractModel):
    """The scheduled CVR watch of the ``cvr_watched`` companies, in the
    register of their company's provider: per call a batch of changed numbers
    (CVR distribution) or a few look-ups within a daily budget (cvrapi.dk);
    ir.cron calls again while work is left. A register that is down or over
    quota ends the call; the next run goes on where it stopped."""

    _name = "tracelink.cvr.watch"
    _description = "CVR Watch"

    @api.model
    def _cron_watch(self):
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", WATCH_LOCK))
        if not self.env.cr.fetchone()[0]:
            _logger.info("CVR watch already running elsewhere: this run leaves it")
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        done = left = 0
        Partner = self.env["res.partner"].sudo()
        companies = self.env["res.company"].sudo().search([], order="id")
        for company in companies:
            # those of no company with the first company, least recently checked first
            ids = [company.id, False] if company == companies[:1] else [company.id]
            partners = Partner.search(
                [("cvr_watched", "=", True), ("company_id", "in", ids)],
                order="cvr_checked_date ASC NULLS FIRST, id",
            )
            if not partners:
                continue
            virk = company.cvr_provider == VirkDistributionClient.code
            watch = self._watch_virk if virk else self._watch_cvrapi
            try:
                checked, remaining = watch(company, partners)
            except (ServiceError, UserError) as error:
                _logger.warning(
                    "CVR watch of company %s stopped: %s: %s; the next run goes on",
                    company.id,
                    type(error).__name__,
                    error,
                )
                continue
            done += checked
            left += remaining
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)

    @api.model
    def _watch_virk(self, company, partners):
        """One batch of the run under way: ``(checked, left)``."""
        if not company.cvr_watch_run_start:
            company.cvr_watch_run_start = fields.Datetime.now()
        start, since = company.cvr_watch_run_start, company.cvr_watch_since
        pending = partners.filtered(
            lambda p: not p.cvr_checked_date or p.cvr_checked_date < start
        )
        # companies checked since the last run: their changes only
        recent = pending.filtered(
            lambda p: since and p.cvr_checked_date and p.cvr_checked_date >= since
        )
        batch = (recent or pending)[:WATCH_BATCH_SIZE]
        by_number = {p._get_cvr_number(): p for p in batch}
        by_number.pop(False, None)
        with company._get_cvr_client() as client:
            found = client.changed(
                list(by_number),
                since=since - VIRK_OVERLAP if recent else None,
                page_size=WATCH_PAGE_SIZE,
            )
        for company_dict in found:
            partner = by_number.get(company_dict["cvr"])
            if partner:
                partner._apply_cvr_company(company_dict, "watch")
        batch.write({"cvr_checked_date": start})
        left = len(pending) - len(batch)
        if not left:
            company.write({"cvr_watch_since": start, "cvr_watch_run_start": False})
        _logger.info(
            "CVR watch of company %s: %d companies asked for, %d changed, %d left",
            company.id,
            len(batch),
            len(found),
            left,
        )
        return len(batch), left

    @api.model
    def _watch_cvrapi(self, company, partners):
        """Up to :data:`CVRAPI_CHUNK` look-ups of today's budget: ``(checked,
        left)``."""
        Lookup = self.env["tracelink.cvr.lookup"].sudo()
        today = fields.Datetime.today()
        budget = self.env["tracelink.cvr.api"]._cvr_setting("watch_budget")
        spent = Lookup.search_count([("is_watch", "=", True), ("date", ">=", today)])
        due = partners.filtered(
            lambda p: not p.cvr_checked_date or p.cvr_checked_date < today
        )
        chunk = due[: max(0, min(budget - spent, CVRAPI_CHUNK))]
        checked = 0
        with company._get_cvr_client() as client:
            for partner in chunk:
                number = partner._get_cvr_number()
                if number:
                    # spent whatever the answer: the service counts it
                    Lookup.create({"user_id": self.env.uid, "is_watch": True})
                    try:
                        partner._apply_cvr_company(client.get(number), "watch")
                    except NotFound:
                        _logger.info("CVR watch: %s is not in the register", number)
                    except ServiceError as error:
                        # down or over quota: the next run goes on from here
                        _logger.warning(
                            "CVR watch of company %s stopped after %d look-ups: %s: %s",
                            company.id,
                            checked,
                            type(error).__name__,
                            error,
                        )
                        return checked, 0
                partner.cvr_checked_date = fields.Datetime.now()
                checked += 1
        left = min(budget - spent - len(chunk), len(due) - len(chunk))
        return checked, max(0, left)
