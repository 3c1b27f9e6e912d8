"""Growing delays between wrong passphrases at the web app's unlock form.

The app listens on loopback, so anyone with an account on the computer can reach it;
the passphrase is all that stands between them and the evidence. Each attempt costs an
Argon2id derivation (about 0.3 s), and attempts go one at a time (a lock), so a script
cannot run them in parallel. After :data:`FREE_FAILURES` wrong passphrases in a row,
each further one makes the next attempt wait twice as long (2 s, 4 s, 8 s, … up to
:data:`MAX_DELAY`); an attempt during the wait is refused without trying the
passphrase, so it tells nothing. A right passphrase resets the count. The count lives
in the app's process: another local user cannot restart the victim's app.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from spoorvast.errors import TooManyAttempts, WrongPassphrase
from spoorvast.i18n import ngettext

FREE_FAILURES = 3
MAX_DELAY = 300.0


def delay_after(failures: int) -> float:
    """Seconds to wait after this many wrong passphrases in a row."""
    if failures <= FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_FAILURES))


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._not_before = 0.0

    @property
    def failures(self) -> int:
        return self._failures

    def wait_seconds(self) -> float:
        return max(0.0, self._not_before - self._clock())

    @contextmanager
    def attempt(self) -> Iterator[None]:
        """One unlock attempt at a time; refused while a delay runs; counted."""
        with self._lock:
            self._refuse_while_waiting()
            try:
                yield
            except WrongPassphrase:
                self._failures += 1
                self._not_before = self._clock() + delay_after(self._failures)
                raise
            self._failures, self._not_before = 0, 0.0

    def _refuse_while_waiting(self) -> None:
        wait = math.ceil(self.wait_seconds())
        if wait > 0:
            raise TooManyAttempts(ngettext(
                "Too many wrong passphrases. Wait {n} second before trying again.",
                "Too many wrong passphrases. Wait {n} seconds before trying again.",
                wait).format(n=wait))
