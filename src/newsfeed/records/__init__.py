"""From an article record (a mapping, as the input contract spells it) to an `Article`.

This is the one place where input is normalised: aliases resolved, text
cleaned, HTML sanitised, dates read, URLs made absolute, identity settled.
Every problem becomes a `Problem` naming the record's place and the field;
a record with an error yields no `Article`, and the others go on.

What a record may hold is the table of `newsfeed.fields`; each kind of field
is read by one function of the internal `_kinds` module. `_reader` holds the
`RecordReader`, `_seen` the ids read so far (`SeenIds`), `_gc` `gc_paused`.
"""

from __future__ import annotations

from newsfeed.records._gc import gc_paused
from newsfeed.records._reader import MAX_VALUE_NESTING, RecordReader
from newsfeed.records._record import RecordRejected
from newsfeed.records._seen import SeenIds

__all__ = ["MAX_VALUE_NESTING", "RecordReader", "RecordRejected", "SeenIds", "gc_paused"]
