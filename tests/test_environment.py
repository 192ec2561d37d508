"""The virtual environment is the pinned one, and what runs in it finds its parts.

These tests check the interpreter that runs them: ``make test`` runs pytest
with the project's virtual environment (scripts/bootstrap.sh builds it from
requirements.lock). The pkg_resources and gevent checks run in a subprocess of
that interpreter, as Odoo's websocket process (``odoo-bin gevent``) starts.
"""

import json
import re
import subprocess
import sys
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

import pytest

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def run_python(code):
    """Run code in a fresh interpreter of this environment; its JSON answer."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def installed():
    return {
        canonical(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
    }


def test_environment_holds_exactly_the_locked_distributions():
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonical(name)] = version
    assert installed() == pins


def test_importlib_metadata_finds_every_distribution_by_name():
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        assert metadata.version(name) == dist.version, name


@pytest.mark.skipif(
    find_spec("pkg_resources") is None, reason="this setuptools has no pkg_resources"
)
def test_pkg_resources_resolves_every_distribution():
    # pkg_resources.require() is what loading an entry point does (gevent's
    # plugins): every distribution and all it requires must be found.
    answer = run_python(
        """
import json, warnings
from importlib import metadata
warnings.simplefilter("ignore")
import pkg_resources
checked, missing = [], {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    checked.append(name.lower())
    try:
        pkg_resources.require(name)
    except Exception as exc:
        missing[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps({"checked": checked, "missing": missing}))
"""
    )
    assert answer["missing"] == {}
    assert "gevent" in answer["checked"]


def test_gevent_patches_the_interpreter_without_warnings():
    # Odoo's websocket process patches everything at import; a failure there
    # kills it at start, and a warning lands unfiltered in the server log
    # (Odoo's logging filters only pkg_resources' DeprecationWarning).
    answer = run_python(
        """
import json, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import gevent
    import gevent.monkey
    gevent.monkey.patch_all()
    import socket
print(json.dumps({
    "patched": gevent.monkey.is_module_patched("socket"),
    "warnings": [
        f"{w.category.__name__}: {w.message}"
        for w in caught if not issubclass(w.category, DeprecationWarning)
    ],
}))
"""
    )
    assert answer == {"patched": True, "warnings": []}
