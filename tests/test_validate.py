"""The validator's API: inputs, format detection, safety, and what a finding holds."""

from __future__ import annotations

import dataclasses
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import etree

from newsfeed.validation import Finding, detect_format, validate, validate_tree
from newsfeed.validation import xml as safe_xml

CORPUS = Path(__file__).parent / "validate" / "corpus"
OURS_RSS = CORPUS / "rss" / "ours_full.xml"
OURS_ATOM = CORPUS / "atom" / "ours_full.xml"

RSS_WITH_FAULTS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>T</title><link>https://example.com/</link><description>D</description>
<atom:link href="https://example.com/rss.xml" rel="self" type="application/rss+xml"/>
<item><title>One</title><guid>https://example.com/1</guid>
<pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate></item>
<item><title>Two</title><guid>https://example.com/2</guid>
<pubDate>06 Jan 25</pubDate>
<enclosure url="/a.mp3" length="1" type="audio/mpeg"/></item>
</channel>
</rss>
"""


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


# --- Inputs ---------------------------------------------------------------------


def test_bytes_text_and_paths_give_the_same_findings(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(RSS_WITH_FAULTS)
    from_bytes = validate(RSS_WITH_FAULTS)
    assert from_bytes
    assert validate(RSS_WITH_FAULTS.decode()) == from_bytes
    assert validate(str(path)) == from_bytes
    assert validate(path) == from_bytes


def test_text_after_a_bom_and_whitespace_is_a_document() -> None:
    text = "\ufeff  \n" + OURS_ATOM.read_text(encoding="utf-8").split("?>", 1)[1]
    assert validate(text) == []


def test_text_is_read_as_text_whatever_its_declaration_says() -> None:
    text = RSS_WITH_FAULTS.decode().replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    text = text.replace("<title>T</title>", "<title>Zürich — 日本</title>")
    assert codes(validate(text)) == codes(validate(RSS_WITH_FAULTS))


def test_a_missing_path_raises() -> None:
    with pytest.raises(FileNotFoundError):
        validate("no/such/feed.xml")


def test_format_detection() -> None:
    assert detect_format(etree.fromstring(b"<rss/>")) == "rss"
    assert (
        detect_format(etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"/>')) == "atom"
    )
    assert detect_format(etree.fromstring(b"<feed/>")) is None
    assert detect_format(etree.fromstring(b'<feed xmlns="http://purl.org/atom/ns#"/>')) is None


def test_an_unknown_root_is_one_error() -> None:
    [finding] = validate(b"<html><body/></html>")
    assert (finding.level, finding.code, finding.line, finding.path) == (
        "error",
        "UndefinedElement",
        1,
        "/html",
    )


def test_not_well_formed_is_one_error_with_its_line() -> None:
    [finding] = validate(b"<rss>\n<channel>\n<title>x</channel>\n</rss>")
    assert (finding.level, finding.code, finding.line) == ("error", "SAXError", 3)
    assert "mismatch" in finding.message


def test_documents_over_the_size_limit_are_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_xml, "MAX_DOCUMENT_BYTES", 100)
    path = tmp_path / "big.xml"
    path.write_bytes(RSS_WITH_FAULTS)
    for data in (RSS_WITH_FAULTS, RSS_WITH_FAULTS.decode(), path):
        [finding] = validate(data)
        assert (finding.level, finding.code) == ("error", "ValidatorLimit")


def test_the_size_limit_is_fifty_megabytes() -> None:
    assert safe_xml.MAX_DOCUMENT_BYTES == 50 * 1024 * 1024


# --- Safety ---------------------------------------------------------------------

LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)


@pytest.mark.parametrize(
    "body",
    ["<rss><channel><title>&j;</title></channel></rss>", '<rss version="&j;"/>'],
    ids=["in-text", "in-attribute"],
)
def test_billion_laughs_is_refused_at_once(body: str) -> None:
    start = time.perf_counter()
    findings = validate((LAUGHS + body).encode())
    assert time.perf_counter() - start < 2
    assert codes(findings) == {"EntityDeclaration"}
    assert all(len(finding.message) < 500 for finding in findings)


def test_an_internal_entity_is_reported_and_left_unexpanded() -> None:
    doc = b'<!DOCTYPE rss [<!ENTITY who "SECRET">]><rss version="2.0"><channel/></rss>'
    findings = validate(doc)
    assert "EntityDeclaration" in codes(findings)
    assert not any("SECRET" in finding.message for finding in findings)


def test_a_local_file_entity_is_never_read() -> None:
    doc = (
        b'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>'
    )
    findings = validate(doc)
    assert "ContainsSystemEntity" in codes(findings)
    assert not any("root:" in finding.message for finding in findings)


def test_nothing_is_fetched_over_the_network() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/x"
        docs = [
            f'<!DOCTYPE rss SYSTEM "{url}"><rss version="2.0"/>',
            f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{url}">]><rss version="2.0"><channel>&x;'
            "</channel></rss>",
            f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{url}"> %p;]><rss version="2.0"/>',
            '<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/x"><rss version="2.0"/>',
        ]
        start = time.perf_counter()
        for doc in docs:
            validate(doc.encode())
        assert time.perf_counter() - start < 2
        with pytest.raises(BlockingIOError):
            server.accept()


# --- Findings -------------------------------------------------------------------


def test_a_finding_has_its_line_path_and_entry() -> None:
    findings = validate(RSS_WITH_FAULTS)
    date = next(f for f in findings if f.code == "InvalidRFC2822Date")
    assert date == Finding(
        "error",
        "InvalidRFC2822Date",
        date.message,
        9,
        "/rss/channel/item[2]/pubDate",
        "https://example.com/2",
    )
    assert "'06 Jan 25'" in date.message
    url = next(f for f in findings if f.code == "InvalidURLAttribute")
    assert url.path == "/rss/channel/item[2]/enclosure/@url"
    assert url.entry_id == "https://example.com/2"


def test_channel_findings_have_no_entry() -> None:
    doc = RSS_WITH_FAULTS.replace(b"<description>D</description>", b"")
    missing = next(f for f in validate(doc) if f.code == "MissingDescription")
    assert (missing.path, missing.entry_id, missing.line) == ("/rss/channel", None, 3)


def test_atom_findings_name_the_entry_and_use_document_prefixes() -> None:
    doc = OURS_ATOM.read_bytes().replace(
        b"<updated>2026-11-25T09:00:00Z</updated>", b"<updated>2026-11-25</updated>"
    )
    [finding] = validate(doc)
    assert finding.code == "InvalidRFC3339Date"
    assert finding.path == "/feed/entry[2]/updated"
    assert finding.entry_id == "https://www.example.com/2026/11/25/segunda"


def test_findings_are_sorted_by_line_path_and_code() -> None:
    doc = (CORPUS / "atom" / "feedgen_default.xml").read_bytes()
    findings = validate(doc)
    assert len(findings) == 3
    assert findings == sorted(findings, key=lambda f: (f.line or 0, f.path, f.code))


def test_findings_are_values() -> None:
    finding = validate(RSS_WITH_FAULTS)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "x"  # type: ignore[misc]
    assert finding == dataclasses.replace(finding)
    text = str(finding)
    assert text.startswith(f"{finding.line}: {finding.level}: ")
    assert f"[{finding.code}]" in text


def test_our_own_shapes_produce_nothing_at_all() -> None:
    assert validate(OURS_RSS) == []
    assert validate(OURS_ATOM) == []


# --- validate_tree -------------------------------------------------------------


@pytest.mark.parametrize("name", ["atom/feedgen_default", "atom/ours_full", "rss/duplicate_guid"])
def test_validate_tree_matches_validate_and_leaves_the_tree_alone(name: str) -> None:
    data = (CORPUS / f"{name}.xml").read_bytes()
    root = etree.fromstring(data)
    before = etree.tostring(root)
    assert validate_tree(root) == validate(data)
    assert etree.tostring(root) == before


def test_validate_tree_leaves_a_failing_atom_tree_alone() -> None:
    data = (CORPUS / "atom" / "link_unknown_attribute.xml").read_bytes()
    root = etree.fromstring(data)
    entry = root.find("{http://www.w3.org/2005/Atom}entry")
    assert entry is not None
    children = list(entry)
    before = etree.tostring(root)
    assert codes(validate_tree(root)) == {"UnexpectedAttribute"}
    assert etree.tostring(root) == before
    assert list(entry) == children
    assert all(child.getparent() is entry for child in children)


def test_many_entries_and_concurrent_callers_agree() -> None:
    entry = (
        "<entry><id>https://example.com/{0}</id><title>E{0}</title>"
        "<updated>2025-01-06T10:00:00Z</updated>"
        '<link href="https://example.com/{0}"/></entry>'
    )
    doc = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.com/</id><title>T</title>'
        "<updated>2025-01-06T10:00:00Z</updated><author><name>A</name></author>"
        '<link rel="self" href="https://example.com/atom.xml"/>'
        + "".join(entry.format(i) for i in range(300))
        + entry.format(7)
        + "</feed>"
    ).encode()
    expected = validate(doc)
    assert [(f.code, f.entry_id) for f in expected] == [
        ("DuplicateEntries", "https://example.com/7")
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(validate, [doc] * 12))
    assert all(result == expected for result in results)


def test_a_finding_past_its_codes_cap_is_counted_and_its_message_never_built() -> None:
    from newsfeed.validation._report import Report, Scope
    from newsfeed.validation.findings import MAX_FINDINGS_PER_CODE

    built = []

    def message() -> str:
        built.append(1)
        return "Missing title"

    item = etree.fromstring(b"<item/>")
    report = Report()
    for _ in range(MAX_FINDINGS_PER_CODE + 500):
        report.error(item, "MissingTitle", message, Scope())
    found = report.findings()
    assert len(built) == MAX_FINDINGS_PER_CODE
    assert len(found) == MAX_FINDINGS_PER_CODE + 1
    assert "500 more MissingTitle errors" in found[-1].message


def test_a_streamed_document_and_its_tree_have_the_same_findings() -> None:
    # Two channels, items among the channel's own elements, and faults in both.
    doc = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title></item>'
        b"<link>relative</link><item><guid>1</guid></item><item/><ttl>x</ttl>"
        b"<item><title>b</title><guid>1</guid></item></channel><channel/></rss>"
    )
    streamed = validate(doc)
    assert {f.code for f in streamed} >= {"DuplicateValue", "InvalidFullLink", "InvalidInteger"}
    assert streamed == validate_tree(etree.fromstring(doc))
    assert "/rss/channel[1]/item[4]/guid" in {f.path for f in streamed}


def test_a_streamed_atom_feed_and_its_tree_have_the_same_findings() -> None:
    # Metadata after an entry, text after an entry, two entries with one id.
    entry = (
        b"<entry><id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id><title>e</title>"
        b"<updated>2026-01-01T00:00:00Z</updated><summary>s</summary></entry>"
    )
    doc = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:60a76c80-d399-11d9-b93c-'
        b"0003939e0af7</id><title>t</title><updated>2026-01-01T00:00:00Z</updated>"
        + entry
        + b"stray<author><name>n</name></author>"
        + entry
        + b"<entry/></feed>"
    )
    streamed = validate(doc)
    codes = {f.code for f in streamed}
    assert codes >= {"MisplacedMetadata", "UnexpectedText", "DuplicateEntries"}
    assert streamed == validate_tree(etree.fromstring(doc))
