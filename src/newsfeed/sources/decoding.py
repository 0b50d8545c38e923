"""Reading input files as text, with errors that name the file and the byte."""

from __future__ import annotations

from codecs import BOM_UTF8
from pathlib import Path

from newsfeed.model import Place, Problem


def read_text(path: Path, name: str, encoding: str, problems: list[Problem]) -> str | None:
    """The file's text with any BOM dropped and line ends made `\\n`, or None after an error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Place(name).source_error(None, f"cannot read: {error.strerror or error}"))
        return None
    text = decode(data, name, encoding, problems)
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
