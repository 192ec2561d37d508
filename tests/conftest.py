"""Make ``tracelink_crm.tools`` and the stand-ins importable without Odoo.

Importing the addon package itself would run its ``__init__`` (which imports
the Odoo models), and so would its ``tests`` package (the Odoo tests). The
plain-Python parts live in ``tracelink_crm/tools`` and
``tracelink_crm/tests/stand_ins`` and never import odoo, so both parent
packages are registered here as bare namespaces whose ``__init__`` is not
executed.
"""

import sys
import types
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "tracelink_crm"

for name, folder in (
    ("tracelink_crm", ADDON_DIR),
    ("tracelink_crm.tests", ADDON_DIR / "tests"),
):
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
