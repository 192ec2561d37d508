"""scripts/upgrade_figures.py: how the upgrade test reads "lost" and compares
the figures read before and after the upgrade (scripts/test_upgrade.sh runs
it on real databases)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "upgrade_figures.py"
_spec = importlib.util.spec_from_file_location("upgrade_figures", SCRIPT)
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


class _Cursor:
    def __init__(self, tables):
        self.tables = tables
        self.rows = []

    def execute(self, query, params=None):
        self.rows = [(column,) for column in self.tables.get(params[0], ())]

    def fetchall(self):
        return self.rows


class _Env:
    def __init__(self, **tables):
        self.cr = _Cursor(tables)


def test_lost_before_is_the_lost_status_or_an_odoo_lost_lead():
    condition = figures.lost_condition(_Env(), "before")
    assert condition.startswith("(s.is_lost OR (NOT l.active")
    assert "COALESCE(l.probability, 0) = 0" in condition
    assert "s.is_won IS NOT TRUE" in condition


def test_lost_after_is_an_archived_case_under_the_lost_status():
    env = _Env(crm_lead=["id", "active", "status_id"], crm_stage=["id", "is_lost"])
    condition = figures.lost_condition(env, "after")
    assert "NOT l.active" in condition
    assert "COALESCE(l.probability, 0) = 0" in condition
    assert "l.stage_kind = 'lost'" in condition
    # in the status it was lost from, never left in the Lost stage
    assert "s.is_lost IS NOT TRUE" in condition
    assert "s.is_lost OR" not in condition


def test_lost_after_an_earlier_release_reads_the_lost_stage_too():
    env = _Env(crm_lead=["id", "active"], crm_stage=["id", "is_lost"])
    condition = figures.lost_condition(env, "after")
    assert condition.startswith("(s.is_lost OR (NOT l.active")
    assert "l.lost_reason_id IS NOT NULL" in condition


def _compare(tmp_path, before, after):
    paths = []
    for side, values in (("before", before), ("after", after)):
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(values), encoding="utf-8")
        paths.append(str(path))
    return subprocess.run(
        [sys.executable, str(SCRIPT), *paths],
        capture_output=True,
        text=True,
        check=False,
    )


def _all_figures(value):
    return {name: value for name, *_rest in figures.FIGURES}


def _all_expected(ok):
    return {f"expected: {name}": [[ok]] for name, _query in figures.EXPECTED}


def test_same_figures_pass(tmp_path):
    before = _all_figures([[1, "lost", 3]])
    result = _compare(tmp_path, before, {**before, **_all_expected(True)})
    assert result.returncode == 0, result.stdout
    total = len(figures.FIGURES) + len(figures.EXPECTED)
    assert f"figures: {total} passed, 0 failed" in result.stdout


def test_a_figure_that_differs_or_an_expectation_that_fails_is_named(tmp_path):
    before = _all_figures([[1, "lost", 3]])
    name = figures.FIGURES[0][0]
    after = {**before, name: [[1, "lost", 2]], **_all_expected(True)}
    after[f"expected: {figures.EXPECTED[0][0]}"] = [[False]]
    result = _compare(tmp_path, before, after)
    assert result.returncode == 1
    assert f"DIFFERS: {name}" in result.stdout
    assert "figures: " in result.stdout and " 2 failed" in result.stdout
