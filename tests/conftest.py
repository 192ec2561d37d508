"""Make the addons' plain-Python parts importable without Odoo.

The addons import each other's plain-Python parts the way Odoo loads them,
as ``odoo.addons.<addon>.tools`` (tracelink_economic's client is built on
tracelink_cvr's HTTP base and exceptions). Odoo itself is not importable here,
and importing an addon package would run its ``__init__`` (the Odoo models),
as would its ``tests`` package (the Odoo tests). So ``odoo``, ``odoo.addons``,
each addon and its ``tests`` package are registered as bare namespaces whose
``__init__`` is not executed: only ``tools`` and ``tests/stand_ins`` are
imported, and they never import Odoo.
"""

import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDONS = ("tracelink_cvr", "tracelink_economic", "tracelink_crm")


def _namespace(name, folders):
    if name in sys.modules:
        return
    package = types.ModuleType(name)
    package.__path__ = [str(folder) for folder in folders]
    sys.modules[name] = package
    parent, _dot, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, package)


_namespace("odoo", [])
_namespace("odoo.addons", [REPO])
for _addon in ADDONS:
    _namespace(f"odoo.addons.{_addon}", [REPO / _addon])
    _namespace(f"odoo.addons.{_addon}.tests", [REPO / _addon / "tests"])
