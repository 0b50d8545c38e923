"""The entries found clean before: only an entry the same in the same context is
spared its entry-local checks, and every document still gets its contextual ones."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from lxml import etree

from newsfeed.validation import _memo, validate, validate_tree
from newsfeed.validation._memo import CleanEntries

ATOM_HEAD = (
    '<feed xmlns="http://www.w3.org/2005/Atom"{base}>'
    "<id>https://example.com/feed</id><title>T</title>"
    "<updated>2026-01-01T00:00:00Z</updated>{author}"
    '<link rel="self" href="https://example.com/atom.xml"/>'
)
AUTHOR = "<author><name>A</name></author>"


def atom_entry(number: int, link: str = "https://example.com/{n}", extra: str = "") -> str:
    return (
        f"<entry><id>https://example.com/{number}</id><title>Entry {number}</title>"
        f"<updated>2026-01-01T00:00:00Z</updated>"
        f'<link href="{link.format(n=number)}"/>{extra}</entry>'
    )


def atom(*entries: str, base: str = "", author: str = AUTHOR) -> etree._Element:
    head = ATOM_HEAD.format(base=f' xml:base="{base}"' if base else "", author=author)
    return etree.fromstring(head + "".join(entries) + "</feed>")


RSS_HEAD = (
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"{declarations}><channel>'
    "<title>T</title><link>https://example.com/</link><description>D</description>"
    '<atom:link href="https://example.com/rss.xml" rel="self" type="application/rss+xml"/>'
)


def rss_item(number: int, guid: str = "https://example.com/{n}") -> str:
    return f"<item><title>Item {number}</title><guid>{guid.format(n=number)}</guid></item>"


def rss(*items: str, declarations: str = "") -> etree._Element:
    head = RSS_HEAD.format(declarations=declarations)
    return etree.fromstring(head + "".join(items) + "</channel></rss>")


def fresh_findings(root: etree._Element) -> list[object]:
    """The findings of `root` with nothing remembered: what the memo must not change."""
    return list(validate(etree.tostring(root)))


@pytest.fixture(autouse=True)
def clean_entries(monkeypatch: pytest.MonkeyPatch) -> Iterator[CleanEntries]:
    memo = CleanEntries()
    monkeypatch.setattr(_memo, "IN_PROCESS", memo)
    yield memo


def test_a_clean_entry_is_remembered_once(clean_entries: CleanEntries) -> None:
    root = atom(atom_entry(1), atom_entry(2))
    assert validate_tree(root) == []
    assert len(clean_entries) == 2
    assert validate_tree(root) == []
    assert len(clean_entries) == 2


def test_an_entry_with_findings_is_not_remembered(clean_entries: CleanEntries) -> None:
    root = atom(atom_entry(1, link="relative/{n}"))
    first = validate_tree(root)
    assert {f.code for f in first} == {"ContainsRelRef"}
    assert len(clean_entries) == 0
    assert validate_tree(root) == first


def test_a_clean_entry_under_another_base_is_checked_again() -> None:
    entry = atom_entry(1, link="relative/{n}")
    assert validate_tree(atom(entry, base="https://example.com/")) == []
    findings = validate_tree(atom(entry))
    assert [(f.code, f.path) for f in findings] == [("ContainsRelRef", "/feed/entry/link/@href")]


def test_a_clean_entry_in_a_feed_without_an_author_is_checked_again() -> None:
    entry = atom_entry(1)
    assert validate_tree(atom(entry)) == []
    findings = validate_tree(atom(entry, author=""))
    assert [(f.code, f.message) for f in findings] == [
        ("MissingElement", "Missing entry element: author")
    ]


def test_an_edited_entry_is_checked_again() -> None:
    assert validate_tree(atom(atom_entry(1))) == []
    edited = atom_entry(1).replace("2026-01-01T00:00:00Z</updated>", "2026-01-01</updated>")
    findings = validate_tree(atom(edited))
    assert [f.code for f in findings] == ["InvalidRFC3339Date"]


def test_a_remembered_entry_repeated_in_a_document_is_still_a_duplicate() -> None:
    assert validate_tree(atom(atom_entry(1), atom_entry(2))) == []
    root = atom(atom_entry(2), atom_entry(1), atom_entry(2))
    findings = validate_tree(root)
    assert [(f.code, f.path, f.entry_id) for f in findings] == [
        ("DuplicateEntries", "/feed/entry[3]", "https://example.com/2")
    ]
    assert findings == fresh_findings(root)


def test_a_remembered_item_repeated_in_a_document_is_still_a_duplicate_guid() -> None:
    assert validate_tree(rss(rss_item(1), rss_item(2))) == []
    root = rss(rss_item(1), rss_item(1), rss_item(2))
    findings = validate_tree(root)
    assert [(f.code, f.path, f.entry_id) for f in findings] == [
        ("DuplicateValue", "/rss/channel/item[2]/guid", "https://example.com/1")
    ]
    assert findings == fresh_findings(root)


def test_remembered_entries_in_other_positions_give_the_findings_of_a_fresh_check() -> None:
    faulty = rss_item(9, guid="relative/{n}")
    assert validate_tree(rss(rss_item(1), rss_item(2), faulty)) != []
    root = rss(faulty, rss_item(2), faulty, rss_item(1))
    assert validate_tree(root) == fresh_findings(root)


def test_every_entry_the_same_is_reported_for_remembered_entries_too() -> None:
    assert validate_tree(atom(atom_entry(1))) == []
    root = atom(atom_entry(1), atom_entry(1), atom_entry(1))
    assert [f.code for f in validate_tree(root)] == ["DuplicateIds"]


def test_the_documents_own_checks_run_whatever_its_entries() -> None:
    assert validate_tree(rss(rss_item(1))) == []
    root = etree.fromstring(
        '<rss version="2.0"><channel><title>T</title><description>D</description>'
        + rss_item(1)
        + "</channel></rss>"
    )
    assert {f.code for f in validate_tree(root)} == {"MissingLink", "MissingAtomSelfLink"}


def test_an_entry_with_an_extension_element_is_not_remembered(
    clean_entries: CleanEntries,
) -> None:
    item = rss_item(1).replace("</item>", "<itunes:explicit>maybe</itunes:explicit></item>")
    declarations = ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
    first = validate_tree(rss(item, declarations=declarations))
    assert first
    assert len(clean_entries) == 0


def test_an_entry_is_the_same_whatever_unused_declarations_are_in_scope() -> None:
    plain = rss(rss_item(1))[0][4]
    declared = rss(rss_item(1), declarations=' xmlns:fh="http://purl.org/syndication/history/1.0"')
    context = ("rss",)
    assert CleanEntries.key(plain, context) == CleanEntries.key(declared[0][4], context)


def test_text_split_by_a_comment_is_another_entry() -> None:
    whole = etree.fromstring("<item><title>ab</title></item>")
    split = etree.fromstring("<item><title>a<!-- -->b</title></item>")
    assert CleanEntries.key(whole, ("rss",)) != CleanEntries.key(split, ("rss",))


def test_the_context_is_part_of_the_key() -> None:
    entry = atom(atom_entry(1))[5]
    with_author = CleanEntries.key(entry, ("atom", None, True))
    assert with_author != CleanEntries.key(entry, ("atom", None, False))
    assert with_author != CleanEntries.key(entry, ("atom", "https://example.com/", True))


def test_a_digest_whose_slots_are_taken_replaces_one_of_them() -> None:
    memo = CleanEntries(size=2)
    first, second, third = (bytes([n]) * 32 for n in range(1, 4))
    memo.add(first)
    memo.add(second)
    memo.add(third)
    assert len(memo) == 2
    assert memo.seen(third)
    assert memo.seen(first) != memo.seen(second)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_an_entry_found_clean_in_a_forked_process_is_known_to_its_parent(
    clean_entries: CleanEntries,
) -> None:
    root = atom(atom_entry(1))
    child = os.fork()
    if child == 0:  # the child: its exit status says whether it found the entry clean
        os._exit(0 if validate_tree(root) == [] else 1)
    assert os.waitpid(child, 0)[1] == 0
    assert len(clean_entries) == 1
    assert clean_entries.seen(CleanEntries.key(root[5], ("atom", None, True)))


def test_an_entry_without_a_canonical_form_is_checked_every_time(
    clean_entries: CleanEntries,
) -> None:
    root = etree.fromstring(
        '<rss version="2.0"><channel><title>T</title><link>https://example.com/</link>'
        "<description>D</description>"
        '<item xmlns:x="relative"><title>I</title><guid>https://example.com/1</guid>'
        "<x:y/></item></channel></rss>"
    )
    assert CleanEntries.key(root[0][3], ("rss",)) is None
    first = validate_tree(root)
    assert validate_tree(root) == first
    assert len(clean_entries) == 0


# A renderer that builds each entry from its article's values alone may name
# the entries by a digest of those values (`made_of`) instead.

VALUES_1, VALUES_2 = b"1" * 16, b"2" * 16


def test_an_entry_given_by_its_values_is_remembered_by_them(clean_entries: CleanEntries) -> None:
    root = atom(atom_entry(1))
    assert validate_tree(root, made_of=[VALUES_1]) == []
    context = ("atom", None, True)
    assert clean_entries.seen(CleanEntries.key(root[5], context, VALUES_1))
    assert not clean_entries.seen(CleanEntries.key(root[5], context))


def test_the_key_of_values_is_never_that_of_a_canonical_form() -> None:
    entry = atom(atom_entry(1))[5]
    context = ("atom", None, True)
    assert CleanEntries.key(entry, context, VALUES_1) != CleanEntries.key(entry, context)
    assert CleanEntries.key(entry, context, VALUES_1) != CleanEntries.key(entry, context, VALUES_2)


def test_the_same_values_under_another_base_are_checked_again() -> None:
    entry = atom_entry(1, link="/{n}")
    assert validate_tree(atom(entry, base="https://example.com/"), made_of=[VALUES_1]) == []
    findings = validate_tree(atom(entry), made_of=[VALUES_1])
    assert [(f.code, f.path) for f in findings] == [("ContainsRelRef", "/feed/entry/link/@href")]


def test_entries_given_by_their_values_still_get_their_contextual_checks() -> None:
    assert validate_tree(rss(rss_item(1)), made_of=[VALUES_1]) == []
    root = rss(rss_item(1), rss_item(1))
    findings = validate_tree(root, made_of=[VALUES_1, VALUES_1])
    assert findings == fresh_findings(root)
    assert {f.code for f in findings} == {"DuplicateValue"}


def test_the_values_must_name_every_entry() -> None:
    with pytest.raises(ValueError, match="one digest an entry"):
        validate_tree(rss(rss_item(1), rss_item(2)), made_of=[VALUES_1])


# A table is kept from one run to the next as its bytes.


def test_a_table_restored_in_another_process_knows_the_entries_found_clean(
    clean_entries: CleanEntries,
) -> None:
    root = atom(atom_entry(1))
    assert validate_tree(root) == []
    later = CleanEntries()
    assert later.restore(clean_entries.table())
    assert later.seen(CleanEntries.key(root[5], ("atom", None, True)))


def test_bytes_of_another_size_are_not_restored(clean_entries: CleanEntries) -> None:
    validate_tree(atom(atom_entry(1)))
    assert not clean_entries.restore(CleanEntries(size=8).table())
    assert len(clean_entries) == 1
