"""How the sandbox paces its answers as a real service would: network latency with jitter, and
Graph's per-app throttling."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from dataclasses import dataclass

THROTTLE_WINDOW_S = 1.0


@dataclass(frozen=True)
class Latency:
    """A delay of ``ms`` plus or minus up to ``jitter_ms``, uniformly: the mean stays ``ms``
    unless the jitter exceeds it (delays are clamped at 0). Frozen, so that replacing it is one
    assignment and a request never sees half of a change."""

    ms: int = 0
    jitter_ms: int = 0

    def __bool__(self) -> bool:
        return bool(self.ms or self.jitter_ms)

    def draw_s(self) -> float:
        """One delay, in seconds."""
        return max(0.0, random.uniform(self.ms - self.jitter_ms, self.ms + self.jitter_ms)) / 1000


class Throttle:
    """Graph's throttling: at most ``rate`` requests per app in any sliding window of one second;
    0 lets everything through. Only the requests let through count, so a client that backs off
    as told gets through again."""

    def __init__(self, rate: int = 0) -> None:
        self.rate = rate
        self._lock = threading.Lock()
        self._admitted: dict[str, deque[float]] = {}

    def admit(self, app_id: str) -> int | None:
        """None, counting the request, when ``app_id`` may send one more now; else the whole
        seconds (at least 1) until its window has room, for Retry-After."""
        rate = self.rate
        if not rate:
            return None
        with self._lock:
            # Read the clock under the lock so that each window stays in time order.
            now = time.monotonic()
            window = self._admitted.setdefault(app_id, deque())
            while window and window[0] <= now - THROTTLE_WINDOW_S:
                window.popleft()
            if len(window) < rate:
                window.append(now)
                return None
            # After the rate is lowered a window can hold more than ``rate``: room comes when
            # all but ``rate - 1`` of them have left it.
            room_at = window[len(window) - rate] + THROTTLE_WINDOW_S
            return max(1, math.ceil(room_at - now))

    def reset(self) -> None:
        with self._lock:
            self._admitted.clear()
