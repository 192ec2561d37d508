"""scripts/lock.py: what the setup checks before it installs requirements.lock."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lock.py"


def lock_py(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def write(path, text):
    path.write_text(text)
    return path


def test_check_accepts_requirements_the_lock_pins(tmp_path):
    lock = write(
        tmp_path / "requirements.lock",
        "# made\nRequests==2.31.0\nzope.interface==8.7\n",
    )
    reqs = write(
        tmp_path / "requirements.txt",
        "requests>=2.25  # comment\nzope_interface\n"
        "gevent==24.2.1 ; python_version >= '4'\n",  # a marker that never holds
    )
    done = lock_py("check", lock, reqs)
    assert done.returncode == 0, done.stderr


def test_check_names_an_unpinned_package_and_a_refused_version(tmp_path):
    lock = write(tmp_path / "requirements.lock", "pytest-httpserver==1.1.5\n")
    reqs = write(tmp_path / "requirements-dev.txt", "whool\npytest_httpserver>=1.2\n")
    done = lock_py("check", lock, reqs)
    assert done.returncode == 1
    assert "requirements-dev.txt names whool, requirements.lock does not pin it" in (
        done.stderr
    )
    assert "asks for pytest_httpserver>=1.2, requirements.lock pins" in done.stderr
    assert "bash scripts/lock.sh" in done.stderr


def test_requirement_gives_the_pin_to_build_alone(tmp_path):
    reqs = write(
        tmp_path / "requirements.txt",
        "cbor2==5.4.2 ; python_version < '4'\ncbor2==9.9 ; python_version >= '4'\n",
    )
    assert lock_py("requirement", "cbor2", reqs).stdout == "cbor2==5.4.2\n"
    assert lock_py("requirement", "lxml", reqs).stdout == ""


def test_write_makes_a_sorted_lock_from_pips_report(tmp_path):
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            {
                "install": [
                    {"metadata": {"name": name, "version": version}}
                    for name, version in (
                        ("zope.event", "6.2"),
                        ("Babel", "2.10.3"),
                        ("pip", "26.3"),
                    )
                ]
            }
        )
    )
    lock = tmp_path / "requirements.lock"
    assert lock_py("write", report, lock).returncode == 0
    pins = [line for line in lock.read_text().splitlines() if not line.startswith("#")]
    assert pins == ["Babel==2.10.3", "pip==26.3", "zope.event==6.2"]


def test_verify_refuses_a_distribution_the_lock_does_not_pin(tmp_path):
    lock = write(tmp_path / "requirements.lock", "pip==0.0.1\n")
    done = lock_py("verify", lock)
    assert done.returncode == 1
    assert "pip " in done.stderr and "requirements.lock pins 0.0.1" in done.stderr
