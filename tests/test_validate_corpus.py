"""One tiny feed per behaviour, each saying in its first comment what it should produce.

The comment reads `Description: ...  Expect: LEVEL Code[, LEVEL Code...]`, or
`Expect: valid` for a document with no findings at all (warnings included).
JSON has no comments: a JSON Feed case `NAME.json` has its `Description:`
and `Expect:` lines beside it in `NAME.expect`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsfeed.validation import validate

CORPUS = Path(__file__).parent / "validate" / "corpus"
CASES = sorted([*CORPUS.glob("*/*.xml"), *CORPUS.glob("json/*.json")])
_EXPECT = re.compile(r"<!--\s*Description:.*?Expect:\s*(.*?)\s*-->", re.DOTALL)


def expected(path: Path) -> set[tuple[str, str]]:
    if path.suffix == ".json":
        head = "<!-- " + path.with_suffix(".expect").read_text(encoding="utf-8") + " -->"
    else:
        head = path.read_bytes()[:2048].decode("utf-8", "replace")  # some cases are not UTF-8
    match = _EXPECT.search(head)
    assert match, f"{path.name}: no 'Expect:' comment in its first lines"
    if match.group(1) == "valid":
        return set()
    pairs = set()
    for item in match.group(1).split(","):
        level, code = item.split()
        assert level in ("error", "warning"), f"{path.name}: unknown level {level!r}"
        pairs.add((level, code))
    return pairs


def test_corpus_is_large_enough() -> None:
    assert len([path for path in CASES if path.suffix == ".xml"]) >= 150
    assert len([path for path in CASES if path.suffix == ".json"]) >= 60
    assert {path.parent.name for path in CASES} == {"atom", "json", "rss"}


def test_every_json_case_has_its_expectation_beside_it() -> None:
    cases = {path.stem for path in CORPUS.glob("json/*.json")}
    expectations = {path.stem for path in CORPUS.glob("json/*.expect")}
    assert cases == expectations


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_corpus_case(path: Path) -> None:
    findings = validate(path)
    got = {(finding.level, finding.code) for finding in findings}
    assert got == expected(path), "\n".join(str(finding) for finding in findings)
