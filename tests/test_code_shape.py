"""The shape of the addons' product code (outside their tests).

No function or method is longer than 50 lines, from its ``def`` to its last
line: a longer one does several things and is split where they part.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = 50


def _product_files():
    for manifest in sorted(REPO.glob("*/__manifest__.py")):
        for path in sorted(manifest.parent.rglob("*.py")):
            if "tests" not in path.relative_to(manifest.parent).parts:
                yield path


def _long_functions(path, root=REPO):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            length = node.end_lineno - first + 1
            if length > MAX_LINES:
                yield f"{path.relative_to(root)}:{node.lineno} {node.name} {length}"


def test_product_code_is_found():
    files = list(_product_files())
    assert any(p.name == "crm_lead.py" for p in files)
    assert not any("tests" in p.parts[len(REPO.parts) + 1 :] for p in files)


@pytest.mark.parametrize("source", ["def f():\n" + "    x = 1\n" * MAX_LINES])
def test_a_long_function_is_seen(tmp_path, source):
    path = tmp_path / "long.py"
    path.write_text(source)
    long = _long_functions(path, root=tmp_path)
    assert [line.split()[1] for line in long] == ["f"]


def test_no_function_over_50_lines():
    long = [line for path in _product_files() for line in _long_functions(path)]
    assert not long, "\n".join(long)
