"""Make ``tracelink_crm.tools`` importable without Odoo.

Importing the addon package itself would run its ``__init__`` (which imports
the Odoo models). The plain-Python parts live in ``tracelink_crm/tools`` and
never import odoo, so the package is registered here as a bare namespace whose
``__init__`` is not executed.
"""

import sys
import types
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "tracelink_crm"

if "tracelink_crm" not in sys.modules:
    package = types.ModuleType("tracelink_crm")
    package.__path__ = [str(ADDON_DIR)]
    sys.modules["tracelink_crm"] = package
