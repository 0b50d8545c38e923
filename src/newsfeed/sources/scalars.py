"""Values that Python code and database drivers hand over in types of their own."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from newsfeed.fields import ALIASES


def text_id(value: Any) -> Any:
    """An id that is a UUID (a Django or PostgreSQL key) or a whole Decimal (a
    `numeric` column) as its text; any other value as it is."""
    # A UUID exists only once its module is loaded: a source of files need not load it.
    uuid = sys.modules.get("uuid")
    if uuid is not None and isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return value


def with_text_id(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """`record` with its id given as `text_id` does; the record itself is not changed."""
    for key, value in record.items():
        if ALIASES.get(key) == "id" and text_id(value) is not value:
            return {k: text_id(v) if ALIASES.get(k) == "id" else v for k, v in record.items()}
    return record
