"""Transcripts: the requests a run sent to Graph, one JSON object per line (JSON Lines).

Every side writes the same entry shape, so any two transcripts compare:

    {"method": "POST", "path": "/beta/communications/calls/{id}/participants/invite",
     "query": {"$top": "5"}, "headers": {"content-type": "application/json", ...},
     "body": {...} | "non-JSON text" | null, "status": 200 | null, "planned": true?,
     "source": "mgbridge" | "sandbox" | "sdk-debug", "at": "2026-12-04T17:38:23.123Z"}

The path is percent-decoded and has no host; header names are lower case; credentials
(Authorization, cookies, the managed-identity header) are never written; ``status`` is null for a
request planned with -WhatIf (``planned``) or one that got no response. Only Graph requests (paths
under ``/beta/`` or ``/v1.0/``) are transcribed: sign-in traffic is not part of a script's wire.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

__all__ = [
    "RECORD_ENV",
    "AsyncRecordingTransport",
    "Recorder",
    "RecordingTransport",
    "is_graph_path",
    "parse_body",
    "transcript_entry",
]

RECORD_ENV = "MGBRIDGE_RECORD"

# Never written, not even redacted: a transcript is meant to be shared.
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-identity-header"}
)
_GRAPH_ROOTS = ("/beta/", "/v1.0/")


def is_graph_path(path: str) -> bool:
    return path.startswith(_GRAPH_ROOTS)


def transcript_entry(
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: Any,
    status: int | None,
    *,
    source: str,
    planned: bool = False,
    at: str | None = None,
) -> dict[str, Any]:
    """One transcript line; ``body`` as `parse_body` gives it."""
    entry: dict[str, Any] = {
        "method": method.upper(),
        "path": path,
        "query": dict(query),
        "headers": {
            name.lower(): value
            for name, value in headers.items()
            if name.lower() not in _SECRET_HEADERS
        },
        "body": body,
        "status": status,
    }
    if planned:
        entry["planned"] = True
    entry["source"] = source
    entry["at"] = at or datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return entry


def parse_body(content: bytes | str) -> Any:
    """A request body as a transcript holds it: its JSON, else its text, or None if empty."""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return content


# Opened per line, not kept open: a line is small next to a request, a run that dies keeps every
# line before it, and nothing holds the file once recording is switched off.
_append_lock = threading.Lock()


def _append(path: str, entry: Mapping[str, Any]) -> None:
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with _append_lock:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8", newline="\n") as stream:
            stream.write(line)


class Recorder:
    """Where a session's requests go: the file it was given, else the one ``MGBRIDGE_RECORD``
    names at the time of each request (so PowerShell can switch recording on and off between
    calls of one connection)."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._path = os.fspath(path) if path else None

    def record(self, request: httpx.Request, status: int | None, *, planned: bool = False) -> None:
        path = request.url.path
        if not is_graph_path(path):
            return
        target = self._path or os.environ.get(RECORD_ENV)
        if not target:
            return
        query = dict(
            parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True)
        )
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.headers.raw}
        _append(
            target,
            transcript_entry(
                request.method,
                path,
                query,
                headers,
                parse_body(request.content),
                status,
                source="mgbridge",
                planned=planned,
            ),
        )


class RecordingTransport(httpx.BaseTransport):
    """Below the retries, so each attempt is one line, as the server sees it."""

    def __init__(self, transport: httpx.BaseTransport, recorder: Recorder) -> None:
        self._transport = transport
        self._recorder = recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._transport.handle_request(request)
        except BaseException:
            self._recorder.record(request, None)
            raise
        self._recorder.record(request, response.status_code)
        return response

    def close(self) -> None:
        self._transport.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """RecordingTransport for an httpx.AsyncClient."""

    def __init__(self, transport: httpx.AsyncBaseTransport, recorder: Recorder) -> None:
        self._transport = transport
        self._recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._transport.handle_async_request(request)
        except BaseException:
            self._recorder.record(request, None)
            raise
        self._recorder.record(request, response.status_code)
        return response

    async def aclose(self) -> None:
        await self._transport.aclose()
