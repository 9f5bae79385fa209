"""The progress of a long grading run: done / total, rate per minute, time left."""

import time

__all__ = ["Progress"]


class Progress:
    """Count finished submissions; :meth:`line` says how far the run is.

    Examples
    --------
    >>> clock = iter([0.0, 60.0]).__next__
    >>> p = Progress(4, clock=clock)
    >>> p.done(); p.done()
    >>> p.line()
    '##########---------- [2/4] 2.0 per minute, about 1 min left'
    """

    def __init__(self, total, clock=time.monotonic):
        self.total, self.count, self._clock = total, 0, clock
        self._start = clock()

    def done(self):
        """One more submission finished (graded or not)."""
        self.count += 1

    def line(self):
        """A bar of 20 characters, ``[done/total] rate per minute, about N min left``."""
        minutes = max(self._clock() - self._start, 1e-9) / 60
        rate = self.count / minutes
        left = (self.total - self.count) / rate if rate else float("inf")
        when = "done" if self.count >= self.total else (
            f"about {left:.0f} min left" if left >= 1 else f"about {left * 60:.0f} s left")
        filled = round(20 * self.count / self.total) if self.total else 20
        bar = "#" * filled + "-" * (20 - filled)
        return f"{bar} [{self.count}/{self.total}] {rate:.1f} per minute, {when}"
