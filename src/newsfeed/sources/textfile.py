"""Plain-text article files in the article text layout (see docs/records.md).

---                       optional front matter: `key: value` lines that
url: https://...          set any record field and win over the layout
---
Kicker                    the header: leading one-line paragraphs without
Title                     final punctuation (kicker, title, deck)
Deck
Por Paul Monzón           optional byline
Body paragraphs...
Autor                     an author marker, then per author a name line
Paul Monzón               and the paragraphs of the bio
Bio...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsfeed.model import Place, Problem, RawRecord
from newsfeed.rules import split_name_email
from newsfeed.sources.decoding import read_text

#: A header line is at most this long; longer paragraphs are body text.
MAX_HEADER_LENGTH = 300
AUTHOR_MARKERS = frozenset(
    {
        "autor", "autora", "autores", "autoras", "author", "authors", "by", "por", "par",
        "von", "di", "auteur", "auteurs", "autrice", "autore", "autori", "door", "av",
        "автор", "авторы", "著者", "作者",
    }
)  # fmt: skip
_SENTENCE_END = frozenset(".!?…。！？؟")
_CLOSERS = "\"'»”’)]}」』›"
_BYLINE = re.compile(r"(?:by|por|par|von|di|door|av)\s+(?P<names>\S.*)\Z", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|&|\band\b|\by\b|\be\b|\bet\b|\bund\b)\s*")
_FRONT_MATTER_LINE = re.compile(r"(?P<key>[A-Za-z_][\w.-]*)\s*:\s*(?P<value>.*)\Z")


def read(path: Path, name: str, encoding: str, problems: list[Problem]) -> Iterator[RawRecord]:
    text = read_text(path, name, encoding, problems)
    if text is None:
        return
    place = Place(name, "1")
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    except OSError:
        modified = None
    front, body = split_front_matter(text, place, problems)
    record = parse_layout(body)
    record.update(front)
    yield RawRecord(record, place, fallback_published=modified)


def split_front_matter(
    text: str, place: Place, problems: list[Problem]
) -> tuple[dict[str, object], str]:
    """(fields of the front matter, the rest of the text)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        return {}, text
    fields: dict[str, object] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FRONT_MATTER_LINE.match(line.strip())
        if match is None:
            problems.append(
                Place(place.source, str(number)).error(
                    None, f"front matter line is not 'key: value': {line.strip()!r}"
                )
            )
            continue
        fields[match.group("key")] = _unquote(match.group("value").strip())
    return fields, "\n".join(lines[end + 1 :])


def parse_layout(text: str) -> dict[str, Any]:
    """The record fields the layout implies: header, byline, body and authors."""
    paragraphs = split_paragraphs(text)
    marker = _last_marker(paragraphs)
    main = paragraphs if marker is None else paragraphs[:marker]
    header_length = 0
    while (
        header_length < len(main)
        and is_heading_like(main[header_length])
        and not (header_length and byline_names(main[header_length]))
    ):
        header_length += 1
    record: dict[str, Any] = _header_fields(main[:header_length])
    rest = main[header_length:]
    authors: list[dict[str, str]] = []
    if rest and (names := byline_names(rest[0])):
        authors = [_author(name) for name in names]
        rest = rest[1:]
    if rest:
        record["body"] = "\n\n".join(rest)
    if marker is not None:
        authors.extend(_authors_section(paragraphs[marker + 1 :]))
    if authors:
        record["authors"] = _merged(authors)
    return record


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank (or whitespace-only) lines, each stripped."""
    return [p.strip() for p in re.split(r"\n[ \t\f\v]*\n", text) if p.strip()]


def is_heading_like(paragraph: str) -> bool:
    """One short line that does not end a sentence: a header line, a name, a marker."""
    if "\n" in paragraph or len(paragraph) > MAX_HEADER_LENGTH:
        return False
    stripped = paragraph.rstrip(_CLOSERS)
    return not stripped or stripped[-1] not in _SENTENCE_END


def byline_names(paragraph: str) -> list[str]:
    """The names of a byline such as `Por Paul Monzón` or `By Jane Doe and John Roe`.

    Each name must look like one (a few words, the first and last capitalised),
    so that a deck such as `Por qué sube el dólar` is not taken for a byline.
    """
    match = _BYLINE.match(paragraph) if is_heading_like(paragraph) else None
    if match is None:
        return []
    names = [name for name in _NAME_SEPARATORS.split(match["names"]) if name]
    for name in names:
        words = name.split()
        if len(words) > 6 or not (words[0][0].isupper() and words[-1][0].isupper()):
            return []
    return names


def _header_fields(header: list[str]) -> dict[str, Any]:
    if len(header) == 1:
        return {"title": header[0]}
    if len(header) == 2:
        return {"title": header[0], "summary": header[1]}
    if len(header) >= 3:
        return {"kicker": header[0], "title": header[1], "summary": " ".join(header[2:])}
    return {}


def _last_marker(paragraphs: list[str]) -> int | None:
    for index in range(len(paragraphs) - 1, -1, -1):
        if paragraphs[index].rstrip(":").strip().lower() in AUTHOR_MARKERS:
            return index
    return None


def _authors_section(paragraphs: list[str]) -> list[dict[str, str]]:
    authors: list[dict[str, str]] = []
    bio: list[str] = []
    for paragraph in paragraphs:
        if is_heading_like(paragraph):
            _close_bio(authors, bio)
            authors.append(_author(paragraph))
            bio = []
        elif authors:
            bio.append(paragraph)
    _close_bio(authors, bio)
    return authors


def _merged(authors: list[dict[str, str]]) -> list[dict[str, str]]:
    """One entry per name: a byline and an author section may name the same person."""
    by_name: dict[str, dict[str, str]] = {}
    for author in authors:
        by_name.setdefault(author["name"].casefold(), {}).update(author)
    return list(by_name.values())


def _close_bio(authors: list[dict[str, str]], bio: list[str]) -> None:
    if authors and bio:
        authors[-1]["bio"] = "\n\n".join(bio)


def _author(text: str) -> dict[str, str]:
    name, email = split_name_email(text.strip())
    return {"name": name} if email is None else {"name": name, "email": email}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
