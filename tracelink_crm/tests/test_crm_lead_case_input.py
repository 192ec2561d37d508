from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_order import TracelinkOrderCommon


@tagged("post_install", "-at_install")
class TestCrmLeadCaseFigures(TracelinkOrderCommon):
    """A probability outside 0-100 % and a negative value are refused by the
    server too (XML-RPC, imports), with the case named."""

    def test_probability_outside_bounds_is_refused(self):
        case = self._create_case(name="Rammer").with_user(self.user_salesman)
        for probability in (101, -1):
            with self.assertRaisesRegex(
                ValidationError, "probability of Rammer must be between 0 and 100 %"
            ):
                case.write({"probability": probability})
        case.write({"probability": 100})
        case.write({"probability": 0})

    def test_negative_value_is_refused(self):
        case = self._create_case(name="Rammer").with_user(self.user_salesman)
        with self.assertRaisesRegex(
            ValidationError, "value of Rammer cannot be negative"
        ):
            case.write({"expected_revenue": -500})
        case.write({"expected_revenue": 0})
        self.assertEqual(case.prorated_revenue, 0)

    def test_case_with_negative_value_is_not_created(self):
        with self.assertRaisesRegex(
            ValidationError, "value of Minus cannot be negative"
        ):
            self._create_case(name="Minus", expected_revenue=-1)


@tagged("post_install", "-at_install")
class TestCrmLeadCaseInputHttp(HttpCase, TracelinkOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_salesman.tour_enabled = False
        # with an e-mail address, for which Odoo would offer Enrich
        cls.case = cls._create_case(
            name="Svejste rammer til lagerhallen",
            email_from="indkob@vejle-maskinfabrik.dk",
            expected_revenue=125000,
            probability=30,
        )

    def test_bad_figures_refused_as_typed(self):
        """Probability 150 and value -500 are refused in the form, each with a
        message under the field in the user's language; the case keeps valid
        figures. No Enrich (a paid service) on the case."""
        self.env["res.lang"]._activate_lang("da_DK")
        self.user_salesman.lang = "da_DK"
        self.start_tour(
            "/odoo/cases",
            "tracelink_crm_case_bounds_tour",
            login=self.user_salesman.login,
        )
        self.assertEqual(self.case.probability, 40)
        self.assertEqual(self.case.expected_revenue, 500)

    def test_bad_figures_over_xmlrpc(self):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, self.user_salesman.login, self.user_salesman.login, {}
        )
        with mute_logger("odoo.http"), self.assertRaises(Exception) as caught:
            self.xmlrpc_object.execute(
                self.env.cr.dbname,
                uid,
                self.user_salesman.login,
                "crm.lead",
                "write",
                [self.case.id],
                {"probability": 150},
            )
        self.assertIn(
            "probability of Svejste rammer til lagerhallen must be between 0 and 100 %,"
            " not 150.0 %",
            str(caught.exception),
        )
