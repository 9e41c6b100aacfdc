"""Reconnect delays: exponential backoff with full jitter, as the JavaScript SDK does."""
import random as _random
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Backoff:
    """The n-th retry waits a random time in [0, min(cap, base * 2^n)) seconds."""

    #: Base of the exponential (the first retry waits up to 2 * base).
    base: float = 0.5
    #: Longest wait.
    cap: float = 30.0
    #: A connection open this long resets the retry count.
    reset_after: float = 10.0
    #: Random source in [0, 1) (tests).
    random: Callable[[], float] = field(default=_random.random)

    def delay(self, attempt):
        """The wait before retry number `attempt` (1 for the first retry), in seconds."""
        return self.random() * min(self.cap, self.base * 2 ** min(attempt, 30))
