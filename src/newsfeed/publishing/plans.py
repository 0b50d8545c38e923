"""Where a site's feeds go: the folder of each fan-out value, and plans that cannot collide.

A fan-out writes one feed per value found (`category/economia/`), so the
folders it writes depend on the data; whether two feeds of a site could
write the same files is still decided from the configuration alone, before
any source is read, by treating a fan-out at `path` as the owner of every
folder directly below `path` that a fan-out value could name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from newsfeed.feed import FILE_NAMES, Format
from newsfeed.text import fold_name, slugify

#: The folder below a feed's folder that holds its RFC 5005 archive pages.
ARCHIVE_FOLDER = "archive"
#: The longest file name (one path component) common file systems take, in bytes.
MAX_FOLDER_BYTES = 255
#: Hex digits of the digest that keeps shortened and lossy folder names apart:
#: 64 bits, so that even 100,000 such names share a folder with odds below 1 in 10^9.
DIGEST_DIGITS = 16


def fan_out_folder(name: str, digits: int = DIGEST_DIGITS) -> str:
    """The folder of the fan-out feed of `name` (a category or an author).

    It is the name's slug when the slug loses nothing but case, accents,
    spaces and the punctuation between words (`text.fold_name`: "Arts &
    Culture" -> "arts-culture") and fits in `MAX_FOLDER_BYTES`. Otherwise
    it is the slug cut at a character to fit, "_" and `digits` hex digits of
    the SHA-256 of the name's fold
    ("C++" -> "c_cedb1bac7efcd7db", "C#" -> "c_951a4d36e0a9018b"). A slug
    never holds "_", so the two kinds of names never meet; names with the
    same fold ("Economía", "economia") share their folder, and no others do.
    A name made only of spaces and that punctuation (".", "..", "/") folds to
    nothing: its digest is of the name itself (`_identity`), so that each such
    name has a folder of its own ("_" and the digits).
    """
    folded = fold_name(name)
    slug = slugify(folded, max_length=len(folded))
    if slug and slug == folded and len(slug.encode("utf-8", "surrogatepass")) <= MAX_FOLDER_BYTES:
        return slug
    identity = _identity(name, folded)
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    room = MAX_FOLDER_BYTES - len(digest) - 1
    cut = slug.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    return f"{cut.rstrip('-')}_{digest}"


def fan_out_folders(names: Iterable[str]) -> dict[str, str]:
    """The folder of each of `names`: `fan_out_folder`'s, except that names of
    different folds whose digests agree (a chance of about 1 in 10^19 a pair)
    take the whole digest instead, so that they still get folders of their own."""
    folds: dict[str, set[str]] = {}
    folders: dict[str, str] = {}
    for name in names:
        if name not in folders:
            folders[name] = fan_out_folder(name)
            folds.setdefault(folders[name], set()).add(_identity(name, fold_name(name)))
    shared = {folder for folder, found in folds.items() if len(found) > 1}
    return {
        name: fan_out_folder(name, 64) if folder in shared else folder
        for name, folder in folders.items()
    }


def _identity(name: str, folded: str) -> str:
    """What tells `name` from other names: its fold, or for a name that folds to
    nothing, the name as a selection compares it (ignoring case). No fold is made
    only of spaces and punctuation between words, so the two kinds never meet."""
    return folded or unicodedata.normalize("NFC", name.casefold())


def could_be_fan_out_folder(name: str) -> bool:
    """Whether a fan-out might write a feed in a folder named `name`, ignoring case."""
    # Composed again, as folders are: casefold decomposes some letters ("ᾶ").
    name = unicodedata.normalize("NFC", name.casefold())
    head, _, digest = name.rpartition("_")
    if re.fullmatch(f"[0-9a-f]{{{DIGEST_DIGITS}}}|[0-9a-f]{{64}}", digest):
        return "_" not in head
    return bool(name) and fan_out_folder(name) == name


# -- collisions ---------------------------------------------------------------


class Plan(Protocol):
    """What a collision depends on: a `site.FeedPlan`."""

    @property
    def path(self) -> str: ...
    @property
    def fan_out(self) -> str | None: ...
    @property
    def formats(self) -> tuple[Format, ...]: ...
    @property
    def archive(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Collision:
    """Plans `second` and `first` (indexes into the plans checked; the same one
    for a path that is wrong alone) could write the same files. `message` says
    how, ending with the first plan's name, `in feeds[N]` (N = first + 1)."""

    first: int
    second: int
    message: str


class PlanCollision(ValueError):
    """A site whose plans could write the same files."""

    def __init__(self, collision: Collision) -> None:
        super().__init__(f"feeds[{collision.second + 1}].path: {collision.message}")
        self.collision = collision


#: Parts of a folder pattern other than names: any folder a fan-out value
#: could name, and any archive page number.
_VALUE = "/value"
_PAGE = "/page"
_SHOWN = {_VALUE: "{name}", _PAGE: "{page}"}


@dataclass(frozen=True, slots=True)
class _Folder:
    """A folder a plan writes its files in (its own, or an archive page's)."""

    parts: tuple[str, ...]
    what: str


def path_parts(path: str) -> tuple[str, ...]:
    """The folder names of a plan's `path` as a file system reads them ("a//b/." is a/b)."""
    return tuple(part for part in path.split("/") if part not in ("", "."))


#: What a path of a plan must be, if it is not.
BELOW_OUT = "must be a folder below `out`, without '..'"


def path_problem(path: str) -> str | None:
    """Why `path` cannot be a plan's folder, or None: it must stay below the
    output folder, and each of its names must be one a file system takes."""
    parts = path_parts(path)
    if path.startswith("/") or ".." in parts:
        return BELOW_OUT
    for part in parts:
        if part.startswith("."):
            return f"{part!r} begins with '.', as the names newsfeed keeps its state in"
        if any(ord(char) < 0x20 or char == "\x7f" for char in part):
            return f"{part!r} holds a control character"
        if len(part.encode("utf-8", "surrogatepass")) > MAX_FOLDER_BYTES:
            return (
                f"{part[:16]!r}... is longer than {MAX_FOLDER_BYTES} bytes, the most a name can be"
            )
    return None


def check_plans(plans: Sequence[Plan]) -> Collision | None:
    """The first pair of `plans` that could write the same files, if any.

    Each feed has its folder to itself and, with archives, its `archive/`
    folder and the page folders in it; a fan-out at `path` has every folder
    directly below `path` that a fan-out value could name (and their archive
    folders). Two plans collide when one of these folders is also the
    other's, or when a file one writes is a folder the other needs. Names
    are compared ignoring case and Unicode normalisation, as many file
    systems do. A path that `path_problem` refuses is a collision of its
    plan with itself.
    """
    folders = [_folders_of(plan) for plan in plans]
    for second, plan in enumerate(plans):
        problem = path_problem(plan.path)
        if problem:
            return Collision(second, second, problem)
        for first in range(second):
            message = _collision(plans[first], folders[first], plan, folders[second])
            if message:
                return Collision(first, second, f"{message} in feeds[{first + 1}]")
    return None


def _described(plan: Plan) -> str:
    if plan.fan_out:
        return f"the {plan.fan_out} fan-out at {plan.path!r}"
    return repr(plan.path) if plan.path else "the main feed"


def _folders_of(plan: Plan) -> list[_Folder]:
    own = path_parts(plan.path) + ((_VALUE,) if plan.fan_out else ())
    where = _described(plan)
    found = [_Folder(own, f"the folder of {where}")]
    if plan.archive:
        found.append(_Folder((*own, ARCHIVE_FOLDER), f"the archive folder of {where}"))
        found.append(_Folder((*own, ARCHIVE_FOLDER, _PAGE), f"an archive page of {where}"))
    return found


def _collision(earlier: Plan, theirs: list[_Folder], plan: Plan, mine: list[_Folder]) -> str:
    """How `plan` could write where `earlier` does, or "" if it cannot."""
    for folder in mine:
        for other in theirs:
            if _same(folder.parts, other.parts):
                return f"{folder.what} could also be {other.what}"
    for needs, writer, writes, shape in (
        (mine, earlier, theirs, "{} is a folder of this feed but a file of {}"),
        (theirs, plan, mine, "{} is a file of this feed but a folder of {}"),
    ):
        for folder in writes:
            for name in (FILE_NAMES[format] for format in writer.formats):
                file = (*folder.parts, name)
                for needed in needs:
                    if _same(file, needed.parts[: len(file)]):
                        shown = _shown(file, needed.parts)
                        return shape.format(repr(shown), _described(earlier))
    return ""


def _shown(a: Sequence[str], b: Sequence[str]) -> str:
    """A path that both patterns name, written with a name where either has one."""
    parts = [y if x in _SHOWN else x for x, y in zip(a, b, strict=False)]
    return "/".join(_SHOWN.get(part, part) for part in parts)


def _same(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two folder patterns could name one folder."""
    return len(a) == len(b) and all(_meet(x, y) for x, y in zip(a, b, strict=True))


def _meet(a: str, b: str) -> bool:
    if b in (_VALUE, _PAGE):
        a, b = b, a
    if b in (_VALUE, _PAGE):
        return True  # a fan-out value can be a number too ("2026")
    if a == _VALUE:
        return could_be_fan_out_folder(b)
    if a == _PAGE:
        return b.isascii() and b.isdigit()
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()
