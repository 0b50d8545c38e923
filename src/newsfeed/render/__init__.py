"""Renderers: a feed's Articles mapped onto each format, and nothing else.

RSS 2.0 (`rss`) and Atom 1.0 (`atom`) each get a feedgen model of their own,
built once and only read when serialised (so threads may serialise one at
once); feedgen is the model and the serialiser of both. What feedgen writes
right is given to feedgen; what it gets wrong is written by our feedgen
extension (`RssExtension`, `AtomExtension` and their entry extensions) as
feedgen builds the tree: the extension only adds, and nothing is given to
feedgen to be removed later. JSON Feed 1.1 is a dict written with the `json`
encoder (`jsonfeed`). An entry's HTML content is composed once, in
`content`, for all three. `_feedgen` (internal) holds what RSS and Atom share.

Who writes each element (docs/formats.md says what goes in it); "ext." is
our extension, and the note says what feedgen would get wrong:

| element | RSS 2.0 | Atom 1.0 |
|---|---|---|
| root and its namespaces | feedgen; `dc`, `media`, `fh`: ext. | the same |
| title, language, rights, image (logo), icon, ttl | feedgen | feedgen |
| the site's link | feedgen (1) | feedgen, first (2) |
| self link | feedgen | feedgen |
| hub and RFC 5005 links | ext. (3) | feedgen |
| description / subtitle | feedgen, given HTML | feedgen, only when set |
| generator | feedgen, given the version | feedgen |
| lastBuildDate / updated | feedgen | feedgen |
| managingEditor / feed author | feedgen | feedgen |
| feed `dc:creator` (authors without email) | ext. (4) | — |
| `fh:archive`, `webfeeds:*` | ext. (no model) | `fh:archive`: ext. |
| entry guid / id | feedgen | feedgen, given the Atom id |
| entry title | feedgen, given HTML-safe text | feedgen; `type="text"`: ext. |
| entry link, image enclosure | feedgen | ext. (5) |
| description / summary | feedgen, given HTML | feedgen |
| `content:encoded` / content | ext. (6) | feedgen |
| entry authors | `dc:creator`: ext. (7) | feedgen |
| categories | feedgen | feedgen |
| entry updated | — | feedgen |
| pubDate / published | ext. (8) | ext. (9) |
| `media:content`, `media:thumbnail` | ext. (10) | `media:thumbnail`: ext. |
| entry `xml:lang` | — | ext. (no model) |

(1) it is the last link given, so the site comes after the self link.
(2) readers that take a feed's first link would show the feed file as the site.
(3) feedgen writes only the self link into a channel. (4) feedgen drops them.
(5) feedgen 1.0 drops an Atom entry link's rel, type and length (#135, #143):
an image would be a second `alternate`. (6) without a description feedgen
makes the content the description. (7) feedgen writes `<author>` only with
an email, and readers then list authors twice. (8) feedgen's date switches
the process-wide locale per date. (9) feedgen's keeps microseconds.
(10) feedgen's media extension wraps them in `media:group`, which some
readers skip, and has no caption or credit.

The tree kept for the validator is feedgen's (`_feedgen.built`); the Atom one
is put in the Atom namespace after it is serialised, as its bytes parse.

An item or entry feedgen built for one document can be kept (`BuiltEntries`)
and put into the next document of its format that holds the same article:
it is built from the article's values alone, so it is what feedgen would
build again. An RSS item is the tree itself, moved from one document into
the next; an Atom entry, which its document puts in the Atom namespace, is
copied.
"""

from newsfeed.render._feedgen import BuiltEntries, Reuse

__all__ = ["BuiltEntries", "Reuse"]
