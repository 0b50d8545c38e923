"""Reading input files as text, with errors that name the file and the byte."""

from __future__ import annotations

from codecs import BOM_UTF8
from pathlib import Path

from newsfeed.model import Place, Problem


def read_text(path: Path, name: str, encoding: str, problems: list[Problem]) -> str | None:
    """The file's text with any BOM dropped and line ends made `\\n`, or None after an error."""
    data = read_from(path, name, problems)
    return None if data is None else text_of(data, name, encoding, problems)


def read_from(path: Path, name: str, problems: list[Problem], offset: int = 0) -> bytes | None:
    """The file's bytes from `offset` on, or None after an error (in `problems`)."""
    try:
        with path.open("rb") as file:
            if offset:
                file.seek(offset)
            return file.read()
    except OSError as error:
        problems.append(Place(name).source_error(None, f"cannot read: {error.strerror or error}"))
        return None


def text_of(
    data: bytes, name: str, encoding: str, problems: list[Problem], offset: int = 0, line: int = 1
) -> str | None:
    """`data` (from byte `offset`, line `line` of the file) as text with line ends made `\\n`."""
    text = decode(data, name, encoding, problems, offset, line)
    if text is None:
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(
    data: bytes,
    name: str,
    encoding: str,
    problems: list[Problem],
    offset: int = 0,
    line: int = 1,
    whole_file: bool = True,
) -> str | None:
    """`data` decoded; on failure one error naming the line and the byte offset in the file.

    `offset` and `line` say where `data` starts in the file, for readers that
    decode a file piece by piece (`whole_file` False: then the error costs one
    record, not the source). The encoding is known to exist (`iter_records`).
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        # utf-8-sig counts positions after the BOM it dropped; the file has it.
        start = error.start + (3 if codec == "utf-8-sig" and data.startswith(BOM_UTF8) else 0)
        at_line = line + data.count(b"\n", 0, start)
        place = Place(name, str(at_line))
        report = place.source_error if whole_file else place.error
        problems.append(
            report(
                None,
                f"cannot decode byte {offset + start} as {encoding} "
                f"(0x{data[start]:02x}); give the right --encoding",
            )
        )
    return None
