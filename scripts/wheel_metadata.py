"""What the addon wheels in dist/ declare, for scripts/test_wheels.sh.

    python wheel_metadata.py deps WHEEL...
        the Python distributions the wheels depend on, one a line: their
        Requires-Dist less Odoo itself and other addon wheels (odoo-addon-*)
    python wheel_metadata.py without REQUIREMENTS_FILE NAME...
        the requirements file less the lines that name one of NAME (so that
        the wheels, not the base environment, bring those in)
    python wheel_metadata.py roots WHEEL...
        the addons in the wheels that Odoo does not install by itself (their
        manifest is not auto_install), one a line

Standard library only: it runs with any Python 3.10+.
"""

import ast
import re
import sys
import zipfile
from email.parser import HeaderParser


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line):
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    return normalize(match.group(1)) if match else None


def wheel_metadata(path):
    with zipfile.ZipFile(path) as wheel:
        [name] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        return HeaderParser().parsestr(wheel.read(name).decode())


def wheel_manifest(path):
    with zipfile.ZipFile(path) as wheel:
        [name] = [
            n
            for n in wheel.namelist()
            if re.fullmatch(r"odoo/addons/[^/]+/__manifest__\.py", n)
        ]
        return name.split("/")[2], ast.literal_eval(wheel.read(name).decode())


def python_deps(paths):
    deps = set()
    for path in paths:
        for requirement in wheel_metadata(path).get_all("Requires-Dist") or []:
            name = requirement_name(requirement)
            if name != "odoo" and not name.startswith("odoo-addon-"):
                deps.add(name)
    return sorted(deps)


def main(argv):
    command, args = argv[0], argv[1:]
    if command == "deps":
        print("\n".join(python_deps(args)))
    elif command == "without":
        names = {normalize(n) for n in args[1:]}
        with open(args[0], encoding="utf-8") as requirements:
            for line in requirements:
                if requirement_name(line) not in names:
                    print(line, end="")
    elif command == "roots":
        for path in args:
            addon, manifest = wheel_manifest(path)
            if not manifest.get("auto_install"):
                print(addon)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
