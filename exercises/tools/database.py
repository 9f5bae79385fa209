"""The gradebook's database, waited for when it does not answer (``make autograde``).

A PostgreSQL server restarted during a long run drops every connection. Each
write of ``make autograde`` is one transaction on a fresh connection, so it can
simply be tried again: :func:`retrying` repeats it with a growing pause for
at most ``seconds``, then raises :class:`DatabaseUnavailable`. A write either
happened whole or not at all; nothing is ever recorded from a guess.
"""

import time

__all__ = ["DatabaseUnavailable", "retrying"]


class DatabaseUnavailable(RuntimeError):
    """The gradebook's database did not answer within the allowed time."""


def _unreachable(exc):
    """Whether ``exc`` (or an error it was raised from) says the database did not answer.

    nbgrader re-raises the driver's errors as its own (``InvalidEntry``), so the
    whole chain of causes is read.
    """
    from sqlalchemy.exc import DBAPIError

    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, DBAPIError) and (
                exc.connection_invalidated
                or type(exc).__name__ in ("OperationalError", "InterfaceError")):
            return True
        if type(exc).__module__.startswith("psycopg") and \
                type(exc).__name__ in ("OperationalError", "InterfaceError"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def retrying(seconds, action, *args, sleep=time.sleep, **kwargs):
    """``action(*args, **kwargs)``, tried again while the database does not answer.

    Examples
    --------
    >>> retrying(5, lambda x: x + 1, 1)
    2
    """
    deadline = time.monotonic() + seconds
    pause = 0.5
    while True:
        try:
            return action(*args, **kwargs)
        except Exception as exc:
            if not _unreachable(exc):
                raise
            left = deadline - time.monotonic()
            if left <= 0:
                first = str(exc).strip()
                first = first.splitlines()[0] if first else type(exc).__name__
                raise DatabaseUnavailable(
                    f"the gradebook's database did not answer for {seconds:g} s "
                    f"({first})") from exc
            sleep(min(pause, left))
            pause = min(pause * 2, 5.0)
