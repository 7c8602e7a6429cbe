"""Stopping a call from another thread.

The in-process host runs each call on the PowerShell pipeline thread that makes it (a hand-off to
another thread cost more than the rest of the boundary). Ctrl+C and ``PowerShell.Stop()`` must
still end a call that waits on Graph, so the host's watcher thread calls `stop` with the token it
gave the call. Stopping wakes what the call waits on: its retry and polling sleeps (`sleep`), and
the socket of its request, which is shut down so that the blocked read returns at once. The call
then ends with `CallStopped`. A call in the middle of opening a connection ends when that is done.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

__all__ = ["CallStopped", "StoppableBackend", "enter", "leave", "sleep", "stop"]


class CallStopped(BaseException):
    """The call was stopped from another thread. A BaseException, like KeyboardInterrupt, so
    that no retry or error handler takes it for a failed request."""


class _Scope:
    __slots__ = ("stopped", "stream", "wake")

    def __init__(self) -> None:
        self.stopped = False
        self.stream: Any = None  # the network stream the call's thread is using now
        self.wake: threading.Event | None = None  # made by the first sleep only

    def raise_if_stopped(self) -> None:
        if self.stopped:
            raise CallStopped("The call was stopped.")


_by_thread: dict[int, _Scope] = {}
_by_token: dict[int, _Scope] = {}


def enter(token: int | None) -> tuple[int, _Scope | None]:
    """Opens the scope of a call on this thread; ``token`` is how `stop` names it."""
    thread = threading.get_ident()
    scope = _Scope()
    outer = _by_thread.get(thread)
    _by_thread[thread] = scope
    if token is not None:
        _by_token[token] = scope
    return thread, outer


def leave(token: int | None, opened: tuple[int, _Scope | None]) -> None:
    thread, outer = opened
    if outer is None:
        _by_thread.pop(thread, None)
    else:
        _by_thread[thread] = outer
    if token is not None:
        _by_token.pop(token, None)


def stop(token: int) -> bool:
    """Stops the call with this token, if it is still running; True if it was."""
    scope = _by_token.get(token)
    if scope is None:
        return False
    scope.stopped = True
    if scope.wake is not None:
        scope.wake.set()
    stream = scope.stream
    if stream is not None:
        sock = stream.get_extra_info("socket")
        if sock is not None:
            # The plain socket's shutdown, also for a TLS socket: the read blocked in the call's
            # thread returns, and the TLS object is left to that thread to close.
            with contextlib.suppress(OSError):  # already closed
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
    return True


def sleep(seconds: float) -> None:
    """time.sleep, woken early by `stop` for a call's thread (CallStopped)."""
    scope = _by_thread.get(threading.get_ident())
    if scope is None:
        time.sleep(seconds)
        return
    if scope.wake is None:
        scope.wake = threading.Event()
    scope.raise_if_stopped()
    scope.wake.wait(seconds)
    scope.raise_if_stopped()


class _StoppableStream:
    """An httpcore network stream whose reads and writes a stopped call's thread gives up."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _blocking(self, method: Any, *args: Any) -> Any:
        scope = _by_thread.get(threading.get_ident())
        if scope is None:
            return method(*args)
        scope.raise_if_stopped()
        scope.stream = self._stream
        try:
            result = method(*args)
        except Exception:
            scope.raise_if_stopped()  # the socket was shut down by stop(): say so
            raise
        finally:
            scope.stream = None
        scope.raise_if_stopped()  # a shut-down socket reads as the end of the stream
        return result

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._blocking(self._stream.read, max_bytes, timeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._blocking(self._stream.write, buffer, timeout)

    def start_tls(self, *args: Any, **kwargs: Any) -> _StoppableStream:
        return _StoppableStream(self._stream.start_tls(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:  # close, get_extra_info
        return getattr(self._stream, name)


class StoppableBackend:
    """Wraps httpcore's synchronous network backend so that `stop` can reach a call's socket."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, *args: Any, **kwargs: Any) -> _StoppableStream:
        return _StoppableStream(self._backend.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _StoppableStream:
        return _StoppableStream(self._backend.connect_unix_socket(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)
