"""Renderers: one per format, each mapping Articles onto its format and nothing else.

RSS 2.0 and Atom 1.0 share one feedgen model (`feedgen_model`), corrected in
one place (`corrections`); JSON Feed 1.1 is a dict serialised with `json`.
The HTML content of an entry is composed once, in `content`, for all three.
"""
