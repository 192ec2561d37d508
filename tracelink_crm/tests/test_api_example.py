import contextlib
import io
import re
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from .cvr_common import TracelinkCrmCvrCommon

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_api_example():
    """The Python example of the README's "Use from other systems"."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Use from other systems\n(.*?)^## ", text, re.M | re.S)
    return re.search(r"^```python\n(.*?)^```", section.group(1), re.M | re.S).group(1)


@tagged("post_install", "-at_install")
class TestApiExample(HttpCase, TracelinkCrmCvrCommon):
    """The README's example, unchanged but for its settings, run by a
    salesperson against this server, the CVR stand-in serving the register."""

    def _settings(self, code, **values):
        for name, value in values.items():
            code, count = re.subn(
                rf"^{name} = .*$", f"{name} = {value!r}", code, flags=re.M
            )
            self.assertEqual(count, 1, f"the example sets {name} once")
        return code

    def test_readme_example_as_salesperson(self):
        rep = new_test_user(
            self.env,
            login="tl_api_rep",
            password="tl_api_rep-Secret1",
            name="Rasmus Rep",
            groups="sales_team.group_sale_salesman",
        )
        code = self._settings(
            readme_api_example(),
            URL=self.base_url(),
            DB=self.env.cr.dbname,
            USER=rep.login,
            PASSWORD="tl_api_rep-Secret1",
            CVR="DK-13585628",
        )
        # Test runs render reports as HTML unless told otherwise: the PDF
        # itself is what the example fetches.
        Report = type(self.env["ir.actions.report"])
        pre_render = Report._pre_render_qweb_pdf
        run_wkhtmltopdf = Report._run_wkhtmltopdf
        test_lock = self.registry.test_lock

        def render_pdf(report, *args, **kwargs):
            report = report.with_context(force_report_rendering=True)
            return pre_render(report, *args, **kwargs)

        def run_wkhtmltopdf_unlocked(report, *args, **kwargs):
            # The PDF request holds the test server's cursor lock, which the
            # style sheet requests of wkhtmltopdf need: let them through
            # while wkhtmltopdf runs (a real server has no such lock).
            state = test_lock._release_save()
            try:
                return run_wkhtmltopdf(report, *args, **kwargs)
            finally:
                test_lock._acquire_restore(state)

        printed = io.StringIO()
        namespace = {"__name__": "readme_example"}
        with (
            patch.object(Report, "_pre_render_qweb_pdf", render_pdf),
            patch.object(Report, "_run_wkhtmltopdf", run_wkhtmltopdf_unlocked),
            # the style sheet requests write while the PDF request reads
            patch.object(self.registry, "test_readonly_enabled", False),
            contextlib.redirect_stdout(printed),
        ):
            exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 pylint: disable=exec-used

        self.assertTrue(namespace["pdf"].startswith(b"%PDF-"))
        order = self.env["sale.order"].browse(namespace["order_id"]).exists()
        self.assertTrue(order)
        self.assertEqual(order.state, "sale")
        case = order.opportunity_id
        self.assertEqual(case.stage_kind, "won")
        self.assertEqual(case.sale_order_id, order)
        self.assertEqual(case.user_id, rep)
        self.assertEqual(order.partner_id.company_registry, "13585628")
        self.assertEqual(order.partner_id, case.partner_id)
        self.assertEqual(len(self.fake_api.calls), 1)
        self.assertIn(f"Order {order.name} (sale)", printed.getvalue())
        self.assertIn("bytes of PDF", printed.getvalue())
