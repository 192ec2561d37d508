"""scripts/addon_readme.py: README.rst and the Apps page from readme/ fragments.

Each test builds a small repository (the script, docs/ and one addon) in a
temporary folder and runs the script there, as make readme and make lint do.
"""

import shutil
import struct
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "addon_readme.py"

DESCRIPTION = """\
Cases for sales teams of manufacturers.

- **Won** and *Lost* stay visible; `DK<cvr>` & more,
  see [the register](https://datacvr.virk.dk).

## På dansk

Sager til salgsafdelinger hos producenter.
"""
SCREENSHOTS = """\
![The cases](../static/description/cases.png "Sagerne")
![A case](../static/description/case.png "En sag")
"""
HISTORY = "## 18.0.1.0.0\n\n- First version.\n"
MANIFEST = {
    "name": "Demo Cases",
    "summary": "Cases for manufacturers",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://example.com/demo",
    "author": "Tracelink",
    "maintainers": ["tracelink"],
    "license": "LGPL-3",
    "development_status": "Beta",
    "images": ["static/description/cases.png", "static/description/case.png"],
}


def png(size, filler=b""):
    """The first bytes of a PNG of size x size (all the script reads)."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + struct.pack(">II", size, size)
        + b"\x08\x06\x00\x00\x00"
        + filler
    )


def make_repo(tmp_path, manifest=None, fragments=None, icon_size=256):
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "addon_readme.py")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cases.png").write_bytes(png(1400, b"cases"))
    (docs / "case.png").write_bytes(png(1400, b"case"))
    addon = tmp_path / "demo_cases"
    (addon / "readme").mkdir(parents=True)
    (addon / "static" / "description").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(repr(manifest or MANIFEST), "utf-8")
    texts = {
        "DESCRIPTION.md": DESCRIPTION,
        "SCREENSHOTS.md": SCREENSHOTS,
        "HISTORY.md": HISTORY,
        **(fragments or {}),
    }
    for name, text in texts.items():
        if text is not None:
            (addon / "readme" / name).write_text(text, "utf-8")
    if icon_size:
        (addon / "static" / "description" / "icon.png").write_bytes(png(icon_size))
    return addon


def run(repo, *args):
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "addon_readme.py"), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_readme_and_apps_page_from_the_same_fragments(tmp_path):
    addon = make_repo(tmp_path)
    assert run(tmp_path).returncode == 0

    readme = (addon / "README.rst").read_text("utf-8")
    assert "Version 18.0.1.0.0 (Beta), license LGPL-3" in readme
    assert "Cases for sales teams of manufacturers." in readme
    assert "På dansk\n~~~~~~~~" in readme
    assert ".. figure:: static/description/cases.png" in readme
    assert "`tracelink <https://github.com/tracelink>`__" in readme

    page = (addon / "static" / "description" / "index.html").read_text("utf-8")
    assert "<script" not in page and "<style" not in page
    english = page.index('<div class="col-lg-6" lang="en">')
    danish = page.index('<div class="col-lg-6" lang="da">')
    assert english < page.index("Cases for sales teams") < danish
    assert danish < page.index("Sager til salgsafdelinger")
    assert "På dansk" not in page  # the column says Dansk instead
    # the first screenshot is the cover, the others follow, both captions
    assert page.index('src="cases.png"') < page.index("Description · Beskrivelse")
    assert page.index("Screenshots · Skærmbilleder") < page.index('src="case.png"')
    assert '<span class="fst-italic" lang="da">En sag</span>' in page
    assert ">Beta</span>" in page and "18.0.1.0.0" in page

    for name in ("cases.png", "case.png"):
        copy = addon / "static" / "description" / name
        assert copy.read_bytes() == (tmp_path / "docs" / name).read_bytes()
    assert run(tmp_path, "--check").returncode == 0


def test_page_escapes_text_and_converts_markup(tmp_path):
    addon = make_repo(tmp_path)
    assert run(tmp_path).returncode == 0
    page = (addon / "static" / "description" / "index.html").read_text("utf-8")
    assert "<strong>Won</strong> and <em>Lost</em>" in page
    assert "<code>DK&lt;cvr&gt;</code> &amp; more" in page
    assert (
        '<a href="https://datacvr.virk.dk" target="_blank" rel="noopener">'
        "the register</a>" in page
    )


def test_check_names_what_is_stale_and_writes_nothing(tmp_path):
    addon = make_repo(tmp_path)
    assert run(tmp_path).returncode == 0
    page = addon / "static" / "description" / "index.html"
    before = page.read_text("utf-8")
    (addon / "readme" / "DESCRIPTION.md").write_text(
        DESCRIPTION.replace("Cases for", "Pipelines for"), "utf-8"
    )
    result = run(tmp_path, "--check")
    assert result.returncode == 1
    assert "demo_cases/static/description/index.html is not up to date" in result.stdout
    assert "demo_cases/README.rst is not up to date" in result.stdout
    assert page.read_text("utf-8") == before


def test_screenshot_taken_again_is_copied_into_the_addon(tmp_path):
    addon = make_repo(tmp_path)
    assert run(tmp_path).returncode == 0
    (tmp_path / "docs" / "case.png").write_bytes(png(1400, b"taken again"))
    copy = addon / "static" / "description" / "case.png"

    result = run(tmp_path, "--check")
    assert result.returncode == 1
    assert "demo_cases/static/description/case.png is not up to date" in result.stdout
    assert copy.read_bytes() == png(1400, b"case")

    assert run(tmp_path).returncode == 0
    assert copy.read_bytes() == png(1400, b"taken again")


def test_manifest_images_follow_the_screenshots(tmp_path):
    make_repo(tmp_path, manifest={**MANIFEST, "images": MANIFEST["images"][::-1]})
    result = run(tmp_path)
    assert result.returncode == 1
    assert "images must list the screenshots" in result.stderr
    assert (
        "static/description/cases.png', 'static/description/case.png" in result.stderr
    )


def test_screenshot_lines_only_in_screenshots_fragment(tmp_path):
    make_repo(
        tmp_path,
        fragments={
            "USAGE.md": "- Open it.\n\n![Cases](../static/description/cases.png)\n"
        },
    )
    result = run(tmp_path)
    assert result.returncode == 1
    assert "USAGE.md: screenshots go in SCREENSHOTS.md" in result.stderr

    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    make_repo(tmp_path, fragments={"SCREENSHOTS.md": "![Cases](cases.png)\n"})
    result = run(tmp_path)
    assert result.returncode == 1
    assert "a screenshot is one line" in result.stderr


def test_every_addon_needs_its_icon(tmp_path):
    make_repo(tmp_path, icon_size=None)
    result = run(tmp_path)
    assert result.returncode == 1
    assert "icon.png: a square PNG of at least 128 px" in result.stderr
    assert "draw_icons.py" in result.stderr

    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    make_repo(tmp_path, icon_size=64)
    assert "at least 128 px" in run(tmp_path).stderr


def test_history_has_the_manifest_version(tmp_path):
    make_repo(tmp_path, manifest={**MANIFEST, "version": "18.0.1.1.0"})
    result = run(tmp_path)
    assert result.returncode == 1
    assert "HISTORY.md has no heading for version 18.0.1.1.0" in result.stderr


def test_html_in_a_fragment_is_refused(tmp_path):
    make_repo(tmp_path, fragments={"USAGE.md": "Open it.\n<b>now</b>\n"})
    result = run(tmp_path)
    assert result.returncode == 1
    assert "USAGE.md:2: tables, HTML and quotes are not supported" in result.stderr
