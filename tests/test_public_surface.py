"""The public surface: every name the README and docs/ teach is importable from where
they say, and is in that module's `__all__`. The names are taken from the documents
themselves, so a document that teaches a new name is checked at once."""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import types
from pathlib import Path

import pytest

import newsfeed

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "newsfeed"
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

_FROM_IMPORT = re.compile(r"from (newsfeed[\w.]*) import (\w+(?:, \w+)*)")
_CODE = re.compile(r"`([^`\n]+)`")
#: `newsfeed.Feed(` in a code block or in prose (not `.newsfeed.lock`, a file name).
_PACKAGE_NAME = re.compile(r"(?<![\w.\-/])newsfeed\.\w[\w.]*")
#: `newsfeed.read_articles(`, `newsfeed.publishing.locked(`, `records.MAX_HTML_DEPTH`.
_DOTTED = re.compile(r"^(?:newsfeed\.)?((?:[a-z_]+\.)*)(\w+)\b")
#: The first cell of a row of the table of names, and names of classes in the others.
_TABLE_ROW = re.compile(r"^\| (.+?) \| (.+) \|$")
_LEADING_NAME = re.compile(r"^(\w+)")
_RETURNED = re.compile(r"-> (.+)$")
_WORD = re.compile(r"\w+")
_CLASS_NAME = re.compile(r"^([A-Z][a-z]+[A-Z]?\w*)\b")


def is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def dotted_name(code: str) -> tuple[str, str] | None:
    """The module and name a code span such as `newsfeed.model.WebFeeds(` or
    `files.READ_TIMEOUT` names, or None if it names no public name of the package."""
    match = _DOTTED.match(code)
    if match is None:
        return None
    prefix, name = match.group(1).rstrip("."), match.group(2)
    if not code.startswith("newsfeed.") and not (prefix and name.isupper()):
        return None  # `feed.rss()`, `reading.articles`: values, not modules
    module = f"newsfeed.{prefix}".rstrip(".")
    if name.startswith("_") or is_module(f"{module}.{name}"):
        return None  # a module, not a name in one
    if not is_module(module) and not code.startswith("newsfeed."):
        return None
    return module, name


def taught(text: str) -> set[tuple[str, str]]:
    """Every (module, name) a document teaches: its imports, its dotted names, and the
    names of its table of the package's names (`newsfeed.NAME`)."""
    found = {
        (module, name)
        for module, names in _FROM_IMPORT.findall(text)
        for name in names.split(", ")
    }
    for code in [*_CODE.findall(text), *_PACKAGE_NAME.findall(text)]:
        named = dotted_name(code)
        if named:
            found.add(named)
    in_table = False
    for line in text.splitlines():
        if line.startswith("| name | what it is |"):
            in_table = True
        elif in_table and not line.startswith("|"):
            in_table = False
        elif in_table and (row := _TABLE_ROW.match(line)):
            first, rest = row.groups()
            for code in _CODE.findall(first):
                found.update(("newsfeed", name) for name in _LEADING_NAME.findall(code))
                for returned in _RETURNED.findall(code):
                    found.update(
                        ("newsfeed", name)
                        for name in _WORD.findall(returned)
                        if not hasattr(builtins, name)
                    )
            for code in _CODE.findall(rest):
                for name in _CLASS_NAME.findall(code):
                    if not hasattr(builtins, name):
                        found.add(("newsfeed", name))
    return found


def spelled_out(text: str) -> set[str]:
    """The package's names a document writes out in full (`newsfeed.publishing.locked`):
    a reader takes them as attributes to reach, not only as imports."""
    found = set()
    for code in [*_CODE.findall(text), *_PACKAGE_NAME.findall(text)]:
        named = dotted_name(code)
        if named and code.startswith("newsfeed."):
            found.add(".".join(named))
    return found


def all_spelled_out() -> list[str]:
    return sorted(set().union(*(spelled_out(d.read_text(encoding="utf-8")) for d in DOCUMENTS)))


def all_taught() -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for document in DOCUMENTS:
        found |= taught(document.read_text(encoding="utf-8"))
    return sorted(found)


def test_the_names_are_found_in_imports_dotted_names_and_the_table() -> None:
    text = """
(`from newsfeed.validation import validate_tree, Finding`) and `newsfeed.publishing.locked(out)`
| name | what it is |
| --- | --- |
| `publish(site) -> Outcome` | `Site(settings)`, a `ValueError`, `reading.articles` |
| `FORMATS`, `__version__` | `("rss", "atom", "json")` |

`records.MAX_HTML_DEPTH`, `feed.rss()`, `newsfeed.validation` (a module: no name)
"""
    assert taught(text) == {
        ("newsfeed.validation", "validate_tree"),
        ("newsfeed.validation", "Finding"),
        ("newsfeed.publishing", "locked"),
        ("newsfeed", "publish"),
        ("newsfeed", "Outcome"),
        ("newsfeed", "Site"),
        ("newsfeed", "FORMATS"),
        ("newsfeed", "__version__"),
        ("newsfeed.records", "MAX_HTML_DEPTH"),
    }


def test_the_documents_teach_names_of_every_kind() -> None:
    found = all_taught()
    assert ("newsfeed", "FeedSettings") in found and ("newsfeed", "publish") in found
    assert any(module.startswith("newsfeed.") and name.isupper() for module, name in found)
    assert any(module.startswith("newsfeed.") and not name.isupper() for module, name in found)
    assert len(found) >= 30


@pytest.mark.parametrize(("module", "name"), all_taught())
def test_each_name_the_documents_teach_imports_from_where_they_say(module: str, name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)
    assert namespace[name] is not None or name == "__version__"


@pytest.mark.parametrize("spelled", all_spelled_out())
def test_each_name_written_out_in_full_is_reached_as_written(spelled: str) -> None:
    module, _ = spelled.rsplit(".", 1)
    importlib.import_module(module)
    value: object = newsfeed
    for part in spelled.split(".")[1:]:
        value = getattr(value, part)


def test_names_written_out_in_full_are_found() -> None:
    text = "hold `newsfeed.publishing.locked(out, timeout)`; `newsfeed.Feed`, `newsfeed.gone.f`"
    assert spelled_out(text) == {"newsfeed.publishing.locked", "newsfeed.Feed", "newsfeed.gone.f"}
    assert "newsfeed.publishing.locked" in all_spelled_out()


@pytest.mark.parametrize(("module", "name"), all_taught())
def test_each_name_the_documents_teach_is_in_its_modules_all(module: str, name: str) -> None:
    assert name in importlib.import_module(module).__all__


def test_newsfeed_publish_and_newsfeed_validate_are_the_functions() -> None:
    import newsfeed.publishing
    import newsfeed.validation

    assert newsfeed.publish is newsfeed.publishing.publish
    assert callable(newsfeed.validate)
    assert not isinstance(newsfeed.validate, types.ModuleType)


# -- the package's own table of names ----------------------------------------------


def type_checking_imports() -> dict[str, set[str]]:
    """What `newsfeed/__init__.py` imports for type checkers: module -> names."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    (block,) = (node for node in tree.body if isinstance(node, ast.If))
    imports: dict[str, set[str]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        imports.setdefault(node.module, set()).update(alias.name for alias in node.names)
    return imports


def test_the_package_imports_for_type_checkers_what_it_exports() -> None:
    defined = {module: set(names) for module, names in newsfeed._DEFINED_IN.items()}
    assert type_checking_imports() == defined


def test_the_package_lists_in_all_exactly_what_it_exports() -> None:
    exported = {name for names in newsfeed._DEFINED_IN.values() for name in names}
    assert sorted(newsfeed.__all__) == sorted(exported | {"__version__"})
    assert len(newsfeed.__all__) == len(set(newsfeed.__all__))


def test_each_name_the_package_exports_is_defined_once_and_where_it_says() -> None:
    names = [name for names in newsfeed._DEFINED_IN.values() for name in names]
    assert len(names) == len(set(names))
    for module, exported in newsfeed._DEFINED_IN.items():
        for name in exported:
            assert getattr(newsfeed, name) is getattr(importlib.import_module(module), name)
