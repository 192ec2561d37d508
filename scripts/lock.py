"""The pinned Python environment: requirements.lock against what is asked and had.

Run with the virtual environment's python (scripts/bootstrap.sh and
scripts/lock.sh do); it needs nothing but pip, so it works in a venv that holds
only pip. Subcommands:

``check LOCK FILE...``      every requirement of the requirement files (whose
                            environment markers hold here) is pinned by the
                            lock at a version it accepts
``requirement NAME FILE...``  the requirement for NAME in these files
                            (``name==1.2``), for building it on its own;
                            prints nothing when no file names it
``verify LOCK [--exact]``   every distribution installed here is pinned by the
                            lock at its installed version; with ``--exact``
                            every pinned one is installed too
``extras LOCK``             the installed distributions the lock does not pin
``write REPORT LOCK``       the lock from ``pip install --dry-run --report``

Exit status 1 with a message naming the package and the remedy when a check
fails.
"""

import json
import re
import sys
from importlib import metadata
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a fresh venv holding only pip
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

HEADER = """\
# The Python environment of tracelink_crm, pinned: every distribution of its
# virtual environment (Odoo 18.0's requirements.txt, requirements.txt and
# requirements-dev.txt with all their dependencies, and pip), for CPython 3.11
# on Linux. scripts/bootstrap.sh installs exactly these, and nothing else.
# Made by `bash scripts/lock.sh`: run it again after changing a requirements
# file, do not edit by hand.
"""
RELOCK = (
    "Regenerate the lock with `bash scripts/lock.sh` (it keeps the other "
    "pins; --upgrade re-resolves everything) and commit requirements.lock."
)
COMMENT = re.compile(r"(^|\s+)#.*$")


def read_requirements(path):
    """(requirement, file) of a pip requirements file and the files it includes."""
    path = Path(path)
    for raw in path.read_text().splitlines():
        line = COMMENT.sub("", raw).strip()
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            included = line.split(None, 1)[1].strip()
            yield from read_requirements(path.parent / included)
        elif line.startswith("-"):
            continue  # other pip options (index, find-links) pin nothing
        else:
            yield Requirement(line), path


def applicable(paths):
    """The requirements of these files whose markers hold for this python."""
    for path in paths:
        for req, origin in read_requirements(path):
            if req.marker is None or req.marker.evaluate():
                yield req, origin


def read_lock(path):
    """{canonical name: (name, version)} of a lock file."""
    pins = {}
    for req, origin in read_requirements(path):
        specs = list(req.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            sys.exit(f"{origin}: {req} is not an exact pin (name==version)")
        pins[canonicalize_name(req.name)] = (req.name, specs[0].version)
    return pins


def installed():
    """{canonical name: (name, version)} of the distributions of this python."""
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        found[canonicalize_name(name)] = (name, dist.version)
    return found


def cmd_check(lock, *files):
    pins = read_lock(lock)
    lock = Path(lock).name
    problems = []
    for req, origin in applicable(files):
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{origin.name} names {req.name}, {lock} does not pin it")
        elif not req.specifier.contains(pin[1], prereleases=True):
            problems.append(
                f"{origin.name} asks for {req}, {lock} pins {pin[0]}=={pin[1]}"
            )
    if problems:
        print("\n".join(problems + [RELOCK]), file=sys.stderr)
        return 1
    return 0


def cmd_requirement(name, *files):
    for req, _origin in applicable(files):
        if canonicalize_name(req.name) == canonicalize_name(name):
            print(f"{req.name}{req.specifier}")
            return 0
    return 0


def cmd_verify(lock, *flags):
    pins = read_lock(lock)
    lock = Path(lock).name
    have = installed()
    problems = [
        f"{name} {version} is installed, {lock} pins "
        + (f"{pins[key][1]}" if key in pins else "no version of it")
        for key, (name, version) in sorted(have.items())
        if pins.get(key, (None, None))[1] != version
    ]
    if "--exact" in flags:
        problems += [
            f"{name}=={version} of {lock} is not installed"
            for key, (name, version) in sorted(pins.items())
            if key not in have
        ]
    if problems:
        print("\n".join(problems + [RELOCK]), file=sys.stderr)
        return 1
    return 0


def cmd_extras(lock):
    pins = read_lock(lock)
    for key, (name, _version) in sorted(installed().items()):
        if key not in pins:
            print(name)
    return 0


def cmd_write(report, lock):
    with open(report) as f:
        items = json.load(f)["install"]
    pins = sorted(
        (item["metadata"]["name"], item["metadata"]["version"]) for item in items
    )
    lines = [f"{name}=={version}" for name, version in sorted(pins, key=_key)]
    Path(lock).write_text(HEADER + "\n".join(lines) + "\n")
    return 0


def _key(pin):
    return canonicalize_name(pin[0])


COMMANDS = {
    "check": cmd_check,
    "requirement": cmd_requirement,
    "verify": cmd_verify,
    "extras": cmd_extras,
    "write": cmd_write,
}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
