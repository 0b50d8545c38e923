"""Progress of a long build on a terminal: done / total, rate and time left, on one line.

Nothing is shown unless the stream is a terminal, so that cron stays silent.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: How often the line is redrawn at most, in seconds.
_EVERY = 0.25


class Progress:
    """One line on `stream`, redrawn as a phase ("reading", "publishing") advances."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self._is_terminal() if enabled is None else enabled
        self._phase, self._unit, self._total = "", "", 0
        self._done = self._records = 0
        self._started = self._shown = 0.0

    def _is_terminal(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def start(self, phase: str, total: int, unit: str) -> None:
        self._phase, self._unit, self._total = phase, unit, total
        self._done = self._records = 0
        self._started = time.monotonic()
        self._shown = 0.0
        self._show()

    def advance(self, count: int = 1) -> None:
        self._done += count
        self._show()

    def count(self) -> None:
        """One more record read."""
        self._records += 1
        if self._records % 256 == 0:
            self._show()

    def finish(self) -> None:
        if self.enabled and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
        self._shown = 0.0

    def line(self) -> str:
        """What the line says now."""
        elapsed = max(time.monotonic() - self._started, 1e-9)
        text = f"{self._phase}: {self._done:,}/{self._total:,} {self._unit}"
        if self._records:
            text += f", {self._records:,} records ({self._records / elapsed:,.0f}/s)"
        elif self._done:
            text += f" ({self._done / elapsed:,.1f}/s)"
        if 0 < self._done < self._total:
            left = elapsed * (self._total - self._done) / self._done
            text += f", about {_duration(left)} left"
        return text

    def _show(self) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self._shown and now - self._shown < _EVERY and self._done < self._total:
            return
        self._shown = now
        self.stream.write("\r\033[K" + self.line())
        self.stream.flush()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
