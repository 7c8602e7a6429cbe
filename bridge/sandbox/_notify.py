"""Notifications to callback URLs: Graph POSTs commsNotifications to a call's ``callbackUri``; the
sandbox does so only where that URL is on this machine, from one background thread.

Requests never wait for a delivery: notifications join a bounded queue (a full queue drops them,
counted as failed), and each POST has a short timeout. The same thread, when idle, settles the
world now and then, so that changes due later (an operation completing) are notified on time
even when no request comes to apply them.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import queue
import ssl
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

_QUEUE_SIZE = 1000
_TIMEOUT_S = 2.0
_TICK_S = 0.05
_KEPT = 1000  # deliveries kept for GET /_sandbox/notifications


def is_loopback(url: str) -> bool:
    """True for http(s) URLs on 127.0.0.0/8, ::1 or localhost: the only ones the sandbox calls."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Notifier:
    """Delivers notifications from one thread; ``tick`` runs whenever it is idle for a moment."""

    def __init__(self, *, ca_file: str) -> None:
        # Loopback HTTPS callbacks are trusted when the sandbox CA issued their certificate.
        self._tls = ssl.create_default_context(cafile=ca_file)
        self._queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue(_QUEUE_SIZE)
        self._lock = threading.Lock()
        self._counts = {"sent": 0, "failed": 0}
        self._deliveries: deque[dict[str, Any]] = deque(maxlen=_KEPT)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, tick: Callable[[], None]) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, args=(tick,), name="mgbridge-sandbox-notifier", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def submit(self, url: str, payload: dict[str, Any]) -> None:
        """Queues a notification; never blocks."""
        try:
            self._queue.put_nowait((url, payload))
        except queue.Full:
            self._done({"url": url, "body": payload, "status": None, "error": "queue full"})

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self._counts, "pending": self._queue.qsize()}

    def deliveries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._deliveries)

    def reset(self) -> None:
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        with self._lock:
            self._counts = {"sent": 0, "failed": 0}
            self._deliveries.clear()

    def _run(self, tick: Callable[[], None]) -> None:
        while not self._stop.is_set():
            try:
                url, payload = self._queue.get(timeout=_TICK_S)
            except queue.Empty:
                try:
                    tick()
                except Exception:  # a sandbox bug: show it, keep notifying
                    traceback.print_exc(file=sys.stderr)
                continue
            self._done(self._deliver(url, payload))

    def _deliver(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        delivery: dict[str, Any] = {"url": url, "body": payload, "status": None}
        parts = urlsplit(url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=_TIMEOUT_S, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=_TIMEOUT_S
            )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "POST",
                target,
                body=json.dumps(payload).encode(),
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            response.read()
            delivery["status"] = response.status
        except (OSError, http.client.HTTPException) as exc:
            delivery["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        return delivery

    def _done(self, delivery: dict[str, Any]) -> None:
        status = delivery["status"]
        ok = isinstance(status, int) and 200 <= status < 300
        with self._lock:
            self._counts["sent" if ok else "failed"] += 1
            self._deliveries.append(delivery)
