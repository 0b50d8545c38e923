"""Choose the Markdown library by measurement: conformance, speed, pathological input.

Run as `python benchmarks/bench_markdown.py --spec SPEC.txt`, with the
CommonMark specification's `spec.txt` (the npm package `commonmark-spec`
ships it: `npm pack commonmark-spec@0.31.2`). Candidates that are not
installed are skipped (`pip install markdown-it-py mistune cmarkgfm
commonmark markdown`). For each candidate it prints:

- the share of the specification's examples rendered as the spec says
  (whitespace between tags normalised, as the spec's own runner does);
- the time to render the Markdown form of the benchmark's article bodies
  (`records.py`: several paragraphs of Spanish with emphasis, links, a
  list and a heading), in microseconds per body;
- the time on pathological input, each in its own process with a time limit:
  deep nesting (quotes, lists, brackets), long runs of `*`, `_`, `[` and
  backticks, and deep indentation. "limit" means it did not finish in time;
  "error" that it raised (a RecursionError, say).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from records import record

Renderer = Callable[[str], str]
LIMIT_SECONDS = 10.0
BODIES = 300
REPEATS = 3


def renderers() -> dict[str, Renderer]:
    """Each installed candidate, set up to render CommonMark with raw HTML kept
    (newsfeed sanitises what comes out, so the renderer must not drop it)."""
    found: dict[str, Renderer] = {}
    try:
        from markdown_it import MarkdownIt

        found["markdown-it-py"] = MarkdownIt("commonmark").render
    except ImportError:
        pass
    try:
        import mistune

        found["mistune"] = mistune.create_markdown(escape=False)  # type: ignore[assignment]
    except ImportError:
        pass
    try:
        import cmarkgfm
        from cmarkgfm.cmark import Options

        def cmark(text: str) -> str:
            return cmarkgfm.markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)

        found["cmarkgfm"] = cmark
    except ImportError:
        pass
    try:
        import commonmark

        found["commonmark"] = commonmark.commonmark
    except ImportError:
        pass
    try:
        import markdown

        def python_markdown(text: str) -> str:
            return markdown.markdown(text, extensions=["extra", "sane_lists"])

        found["python-markdown"] = python_markdown
    except ImportError:
        pass
    return found


# -- conformance -------------------------------------------------------------------------

_EXAMPLE = re.compile(r"^`{32} example[^\n]*\n(.*?)^\.\n(.*?)^`{32}$", re.MULTILINE | re.DOTALL)
_BETWEEN_TAGS = re.compile(r">\s+<")
_SPACE = re.compile(r"\s+")


def examples(spec: Path) -> list[tuple[str, str]]:
    """(Markdown, HTML) of each example; the spec writes tabs as →."""
    text = spec.read_text(encoding="utf-8")
    return [
        (source.replace("→", "\t"), html.replace("→", "\t"))
        for source, html in _EXAMPLE.findall(text)
    ]


def normalised(html: str) -> str:
    return _SPACE.sub(" ", _BETWEEN_TAGS.sub("><", html.strip()))


def conformance(render: Renderer, cases: list[tuple[str, str]]) -> float:
    passed = 0
    for source, expected in cases:
        try:
            got = render(source)
        except Exception:  # a crash on an example is a failed example
            continue
        passed += normalised(got) == normalised(expected)
    return passed / len(cases)


# -- speed on article bodies ----------------------------------------------------------------


def markdown_body(index: int) -> str:
    """The benchmark record's body, written as a Markdown author would."""
    rng = random.Random(index)
    paragraphs = record(index)["body"].split("\n\n")
    out = [f"## {paragraphs[0].split('.')[0]}"]
    for number, paragraph in enumerate(paragraphs):
        words = paragraph.split(" ")
        at = rng.randrange(len(words))
        words[at] = f"**{words[at]}**"
        at = rng.randrange(len(words))
        words[at] = f"[{words[at]}](/seccion/{index}/{number})"
        out.append(" ".join(words))
    out.append("\n".join(f"- {p.split('.')[0]}" for p in paragraphs[:3]))
    return "\n\n".join(out)


def speed(render: Renderer, bodies: list[str]) -> float:
    """Microseconds per body, the best of a few runs."""
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for body in bodies:
            render(body)
        best = min(best, time.perf_counter() - started)
    return best / len(bodies) * 1e6


# -- pathological input -----------------------------------------------------------------------

PATHOLOGICAL: dict[str, str] = {
    "nested quotes (10,000 >)": "> " * 10_000 + "a",
    "nested lists (5,000)": "".join("  " * i + "- a\n" for i in range(5_000)),
    "nested brackets (50,000 [)": "[" * 50_000 + "a" + "]" * 50_000,
    "run of * (50,000)": "*" * 50_000 + "a",
    "alternating *a (50,000)": "*a " * 50_000,
    "run of _ (50,000)": "a_" * 50_000,
    "unclosed [ (50,000)": "[a " * 50_000,
    "backticks (20,000)": "`" * 20_000 + "a" + "``" * 10_000,
    "deep indentation (10,000 lines)": "".join(" " * (i % 4000) + "a\n" for i in range(10_000)),
    "emphasis nesting (5,000)": "*a **a " * 5_000,
}


def _timed(name: str, text: str, queue: multiprocessing.Queue[str]) -> None:
    render = renderers()[name]
    sys.setrecursionlimit(10_000)
    started = time.perf_counter()
    try:
        render(text)
    except Exception as error:  # reported, as a reader would see the build fail
        queue.put(f"error ({type(error).__name__})")
        return
    queue.put(f"{time.perf_counter() - started:.3f} s")


def pathological(name: str, text: str) -> str:
    queue: multiprocessing.Queue[str] = multiprocessing.Queue()
    process = multiprocessing.Process(target=_timed, args=(name, text, queue))
    process.start()
    process.join(LIMIT_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
        return f"limit (> {LIMIT_SECONDS:.0f} s)"
    return queue.get() if not queue.empty() else "crashed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, help="the CommonMark spec.txt")
    args = parser.parse_args()
    found = renderers()
    cases = examples(args.spec) if args.spec else []
    bodies = [markdown_body(i) for i in range(BODIES)]
    print(
        f"{len(cases)} spec examples; {BODIES} article bodies of about "
        f"{sum(map(len, bodies)) // BODIES} characters"
    )
    for name, render in found.items():
        print(f"\n{name}")
        if cases:
            print(f"  CommonMark conformance: {conformance(render, cases):.1%}")
        print(f"  article body: {speed(render, bodies):.0f} us")
        for label, text in PATHOLOGICAL.items():
            print(f"  {label}: {pathological(name, text)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
