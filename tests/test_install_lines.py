"""Every install line a user is shown (README, docs, messages, examples) installs newsfeed:
from a checkout, or under the distribution's own name, never the unrelated `newsfeed`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = set(PROJECT["optional-dependencies"])
PIP_INSTALL = re.compile(r"pip install (?:-q )?(-e )?('[^']*'|\S+)")


def shown_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    files += sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.*"))
    return [f for f in files if f.suffix in (".md", ".py", ".toml")]


def install_lines() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(ROOT)}: pip install {match.group(1) or ''}{match.group(2)}",
         match.group(2).strip("'`,)"))
        for path in shown_files()
        for match in PIP_INSTALL.finditer(path.read_text(encoding="utf-8"))
    ]  # fmt: skip


def test_the_distribution_name_is_not_the_unrelated_newsfeed() -> None:
    assert PROJECT["name"] == "newsfeed-publisher"
    assert PROJECT["scripts"] == {"newsfeed": "newsfeed.cli:run_and_exit"}


def test_there_are_install_lines_to_check() -> None:
    requirements = {requirement for _, requirement in install_lines()}
    assert {".", ".[test]", ".[sql]", ".[markdown]", "newsfeed-publisher[sql]"} <= requirements


@pytest.mark.parametrize(("where", "requirement"), install_lines())
def test_an_install_line_names_the_checkout_or_the_distribution_with_a_real_extra(
    where: str, requirement: str
) -> None:
    match = re.fullmatch(r"(\.|newsfeed-publisher)(?:\[(\w+)\])?", requirement)
    if match is None:  # a third-party package (a database driver, say), not newsfeed
        assert not requirement.startswith("newsfeed"), where
        return
    extra = match.group(2)
    assert extra is None or extra in EXTRAS, where
