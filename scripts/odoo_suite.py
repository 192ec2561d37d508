"""Run the at_install tests of some modules on a fully installed database.

Fed to ``odoo-bin shell`` by scripts/test.sh: the registry then holds every
installed addon, so Odoo's own ``crm`` and ``sale_crm`` tests run with
tracelink_crm loaded (at install time they would run before it is).
Prints one line ``odoo-at_install: N passed, N failed, N skipped``.
"""

import os

from odoo.tools import config

# Test mode first: odoo.tests complains when imported outside of it.
config["test_enable"] = True

from odoo.tests import loader  # noqa: E402

modules = [m for m in os.environ["TRACELINK_SUITE_MODULES"].split(",") if m]
config["test_tags"] = ",".join(f"/{m}" for m in modules)
result = loader.run_suite(loader.make_suite(modules, "at_install"))
bad = result.failures_count + result.errors_count
passed = result.testsRun - bad - result.skipped
print(f"odoo-at_install: {passed} passed, {bad} failed, {result.skipped} skipped")
