"""Renderers: Articles mapped onto each format, and nothing else.

RSS 2.0 and Atom 1.0 share one feedgen model (`feedgen_model`), corrected in
one place (`corrections`); `rss` and `atom` have feedgen build each
document's tree from it. JSON Feed 1.1 is a dict written one item per line
with the `json` encoder (`jsonfeed`). The HTML content of an entry is
composed once, in `content`, for all three.
"""
