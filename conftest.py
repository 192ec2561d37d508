"""pytest settings for the addons' Odoo tests run with pytest-odoo (-p odoo).

Two things Odoo's own test runner does that pytest-odoo 2.3 does not do on
Odoo 18 (it does them from Odoo 19 on):

- Odoo 18 knows a test is running by ``odoo.modules.module.current_test``,
  which its runner sets to each test before its class is set up: core reads
  it to keep tests from committing (mail, crons) or sending e-mail, and test
  cursors check it. It is set here the same way, per test.
- pytest-odoo's --odoo-http serves Odoo on a free port it picks itself;
  where TRACELINK_TEST_PORT names one (as for scripts/test.sh), that port is
  used, so that test runs side by side on one machine stay on their ports.
"""

import os

import pytest


def _odoo_active(config):
    return config.pluginmanager.has_plugin("odoo")


def pytest_configure(config):
    port = os.environ.get("TRACELINK_TEST_PORT")
    if port and _odoo_active(config):
        import pytest_odoo

        # pytest-odoo has no option for the port: it asks this function
        pytest_odoo._get_available_random_port = lambda: int(port)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _odoo_active(item.config) and getattr(item, "instance", None) is not None:
        from odoo.modules import module

        module.current_test = item.instance


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _odoo_active(item.config):
        from odoo.modules import module

        module.current_test = False
