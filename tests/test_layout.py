"""The layout of the package: its modules import one another without a cycle, and only
from their own stage of the pipeline or earlier ones, counting the imports made inside
functions too (a lazy import hides a cycle from Python, not from a reader); no module
is longer than a reader can hold."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "newsfeed"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that the file at `path` imports, anywhere in it."""
    source = path.read_text(encoding="utf-8")
    return imports_in(source, module_name(path), path.name == "__init__.py", modules)


def imports_in(source: str, name: str, is_package: bool, modules: set[str]) -> set[str]:
    """The `modules` that the source of module `name` imports, anywhere in it."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            # `from newsfeed import rules` imports a module; the package above it is
            # only the way to it, as it is for `import newsfeed.rules`.
            if len(submodules) < len(node.names):
                found.add(base)
            found |= submodules
    return {module for module in found if module in modules and module != name}


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports_of(path, modules) for path in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        stack.append(module)
        for imported in sorted(graph[module]):
            # A package's __init__ re-exporting its own modules is not a cycle of use.
            if imported.startswith(module + "."):
                continue
            if state.get(imported) == "open":
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported)):
                return cycle
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_finder_sees_a_cycle_through_a_lazy_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]


def test_no_module_of_the_package_imports_itself_back_through_others() -> None:
    assert find_cycle(import_graph()) is None


# -- the stages of the pipeline ------------------------------------------------------

#: Each module's stage, in the order data flows: a module may import only from its own
#: stage or earlier ones. A package's row covers its modules (the longest row wins).
STAGES = {
    # 0 foundation
    "newsfeed.version": 0,
    "newsfeed.rules": 0,
    "newsfeed.text": 0,
    "newsfeed.dates": 0,
    "newsfeed.model": 0,
    "newsfeed.files": 0,
    "newsfeed.fields": 0,
    "newsfeed.progress": 0,
    # 1 a reader per kind of source
    "newsfeed.sources": 1,
    # 2 one raw record into an Article; seen ids
    "newsfeed.records": 2,
    # 3 the site index; read_into / read_articles
    "newsfeed.index": 3,
    "newsfeed.reading": 3,
    # 4 the feed model
    "newsfeed.feed": 4,
    # 5 renderers
    "newsfeed.render": 5,
    # 6 validation, and documents: a feed rendered, validated and written
    "newsfeed.validation": 6,
    "newsfeed.documents": 6,
    # 7 publishing a site
    "newsfeed.publishing": 7,
    # 8 front ends, and the package's table of public names
    "newsfeed.config": 8,
    "newsfeed.cli": 8,
    "newsfeed.serve": 8,
    "newsfeed.show": 8,
    "newsfeed.discovery": 8,
    "newsfeed.__main__": 8,
    "newsfeed": 8,
}

#: The most lines a module may have.
MAX_LINES = 500


def row_of(module: str, rows: Iterable[str]) -> str | None:
    """The longest of `rows` that is `module` or a package above it (the root
    package's row covers only the root)."""
    covering = [
        row
        for row in rows
        if module == row or (row != "newsfeed" and module.startswith(f"{row}."))
    ]
    return max(covering, key=len, default=None)


def later_imports(graph: dict[str, set[str]], stages: dict[str, int]) -> list[tuple[str, str]]:
    """Every (importer, imported) of `graph` whose imported module is of a later stage."""
    found = []
    for module, imported in sorted(graph.items()):
        for other in sorted(imported):
            mine, theirs = row_of(module, stages), row_of(other, stages)
            if mine is not None and theirs is not None and stages[theirs] > stages[mine]:
                found.append((module, other))
    return found


def test_the_stage_check_sees_an_import_from_a_later_stage() -> None:
    stages = {"p.early": 0, "p.late": 1, "p.pkg": 1}
    graph = {"p.early": {"p.pkg.part"}, "p.late": {"p.early"}, "p.pkg.part": set()}
    assert later_imports(graph, stages) == [("p.early", "p.pkg.part")]


def test_an_import_inside_a_function_counts() -> None:
    source = "def f():\n    from newsfeed.publishing import publish\n"
    found = imports_in(source, "newsfeed.rules", False, set(import_graph()))
    assert found == {"newsfeed.publishing"}


def test_importing_a_module_from_its_package_imports_the_module_not_the_package() -> None:
    modules = set(import_graph())
    assert imports_in("from newsfeed import rules\n", "newsfeed.text", False, modules) == {
        "newsfeed.rules"
    }
    assert imports_in("from newsfeed import Feed\n", "newsfeed.text", False, modules) == {
        "newsfeed"
    }


def test_every_module_has_a_stage() -> None:
    assert [m for m in sorted(import_graph()) if row_of(m, STAGES) is None] == []


def test_no_module_imports_from_a_later_stage_of_the_pipeline() -> None:
    assert later_imports(import_graph(), STAGES) == []


def lines_of_modules() -> dict[str, int]:
    return {
        module_name(path): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_is_longer_than_500_lines() -> None:
    assert {module: n for module, n in lines_of_modules().items() if n > MAX_LINES} == {}
