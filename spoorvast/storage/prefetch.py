"""Make the next chunk of rows while SQLite works on the last one, without a GIL convoy.

A bulk insert has two halves: Python makes rows (an importer parsing an export, rows
formatted and hashed), and SQLite stores them (``executemany``, then one FTS5
``INSERT … SELECT`` per chunk). Running both at once on two threads looks obvious but is
slower than one thread: ``executemany`` releases the GIL around every row's
``sqlite3_step`` and must then wait up to the switch interval (5 ms) to get it back
from a busy producer. So the producer runs only while the consumer is inside long C
calls that hold no GIL (one ``INSERT … SELECT`` over the chunk as JSON, then the FTS5
statement), and waits while the consumer binds rows (the ``executemany`` fallback). At
most two chunks exist at any time, so memory stays flat however long the input is.

Usage::

    with Prefetch(rows, 8192) as chunks:
        for chunk in chunks:        # the producer is paused while this body runs ...
            conn.executemany(sql, chunk)
            chunks.release()        # ... until here: it makes the next chunk now
            conn.execute(long_statement_without_gil)

While a Prefetch runs, the interpreter's switch interval is 0.5 ms instead of 5 ms: each
time the consumer comes back from C (a few times per chunk) it needs the GIL, which a busy
producer otherwise holds for up to the whole interval (0.3 s of 2 s at 200,000 messages).

An exception raised by the producer (an importer's bug) is raised again in the consumer.
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import sys
import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_DONE = object()
SWITCH_INTERVAL = 0.0005


class Prefetch(Generic[T]):
    def __init__(self, source: Iterable[T], size: int) -> None:
        self._source, self._size = iter(source), size
        self._permit = threading.Semaphore(1)  # the producer may make one chunk
        self._ready: queue.Queue[object] = queue.Queue(maxsize=1)
        self._stop = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._produce, name="spoorvast-rows",
                                        daemon=True)
        self._interval = sys.getswitchinterval()

    def __enter__(self) -> Prefetch[T]:
        sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop = True
        self._permit.release()
        while self._thread.is_alive():
            # unblock a producer waiting to hand over a chunk nobody will take
            with contextlib.suppress(queue.Empty):
                self._ready.get(timeout=0.05)
        self._thread.join()
        sys.setswitchinterval(self._interval)

    def _produce(self) -> None:
        try:
            while True:
                self._permit.acquire()
                if self._stop:
                    return
                chunk = list(itertools.islice(self._source, self._size))
                if not chunk:
                    break
                self._ready.put(chunk)
        except BaseException as exc:  # handed to the consumer, raised there
            self._error = exc
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()
        self._ready.put(_DONE)

    def __iter__(self) -> Iterator[list[T]]:
        while True:
            chunk = self._ready.get()
            if chunk is _DONE:
                if self._error is not None:
                    raise self._error
                return
            yield chunk  # type: ignore[misc]

    def release(self) -> None:
        """The consumer is about to spend a while in C: let the producer run."""
        self._permit.release()


class Inline(Generic[T]):
    """The same interface without a thread, for a short list already in memory (an
    e-mail's one event): starting a producer thread per item cost more than storing it
    (a third of the database time of an mbox of 50,000 messages)."""

    def __init__(self, source: Iterable[T], size: int) -> None:
        self._source, self._size = iter(source), size

    def __enter__(self) -> Inline[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def __iter__(self) -> Iterator[list[T]]:
        while chunk := list(itertools.islice(self._source, self._size)):
            yield chunk

    def release(self) -> None:
        pass
