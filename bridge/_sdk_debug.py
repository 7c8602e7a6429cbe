"""Reads the Microsoft Graph PowerShell SDK's ``-Debug`` output into transcript entries.

With ``-Debug`` (or ``$DebugPreference = 'Continue'``) the SDK's cmdlets write each request and
response as debug records in this form (Graph's ``HttpMessageLogFormatter``):

    ============================ HTTP REQUEST ============================
    HTTP Method:
    POST
    Absolute Uri:
    https://graph.microsoft.com/beta/communications/calls/{id}/participants/microsoft.graph.invite
    Headers:
    FeatureFlag                   : 00000003
    ...
    Body:
    { ...indented JSON... }
    ============================ HTTP RESPONSE ============================
    Status Code:
    OK
    ...

(blank lines between the parts). The SDK leaves out the Authorization header and the content
headers, so Content-Type is not in its log: a JSON body implies ``application/json``, which is
what the SDK sends. On screen and in ``Start-Transcript`` files each record starts with
``DEBUG: ``; redirected (``5> file``) it does not. Both read the same.
"""

from __future__ import annotations

import http
import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bridge._transcript import is_graph_path, transcript_entry

__all__ = ["read_sdk_debug"]

_MARKER = re.compile(r"^(?:DEBUG: )?=+ HTTP (REQUEST|RESPONSE) =+\s*$")
_RECORD_START = re.compile(r"^DEBUG: ")
_SECTIONS = ("HTTP Method:", "Absolute Uri:", "Headers:", "Body:", "Status Code:")
_STATUS_NAMES = {status.name.replace("_", "").lower(): status.value for status in http.HTTPStatus}


def read_sdk_debug(text: str) -> list[dict[str, Any]]:
    """The Graph requests in ``text`` (the SDK's debug output) as transcript entries, each with
    the status of the response logged after it (null when none was logged)."""
    entries: list[dict[str, Any]] = []
    for kind, sections in _blocks(text.splitlines()):
        if kind == "REQUEST":
            entry = _request(sections)
            if entry is not None:
                entries.append(entry)
        elif entries and entries[-1]["status"] is None:
            entries[-1]["status"] = _status(sections.get("Status Code:", ""))
    return entries


def _blocks(lines: list[str]) -> list[tuple[str, dict[str, str]]]:
    blocks: list[tuple[str, dict[str, list[str]]]] = []
    current: dict[str, list[str]] | None = None
    section = ""
    for line in lines:
        marker = _MARKER.match(line)
        if marker:
            current, section = {}, ""
            blocks.append((marker.group(1), current))
        elif current is None:
            continue
        elif _RECORD_START.match(line):  # the next debug record: this block is over
            current = None
        elif line.strip() in _SECTIONS:
            section = line.strip()
            current[section] = []
        elif section:
            current[section].append(line)
    return [(kind, {k: "\n".join(v).strip() for k, v in parts.items()}) for kind, parts in blocks]


def _request(sections: dict[str, str]) -> dict[str, Any] | None:
    url = urlsplit(sections.get("Absolute Uri:", "").strip())
    path = unquote(url.path)
    if not is_graph_path(path):
        return None
    headers = {}
    for line in sections.get("Headers:", "").splitlines():
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip()] = value.strip()
    body_text = sections.get("Body:", "")
    body: Any = None
    if body_text:
        try:
            body, _ = json.JSONDecoder().raw_decode(body_text)
            headers.setdefault("Content-Type", "application/json")
        except ValueError:
            body = body_text
    return transcript_entry(
        sections.get("HTTP Method:", "").strip(),
        path,
        dict(parse_qsl(url.query, keep_blank_values=True)),
        headers,
        body,
        None,
        source="sdk-debug",
    )


def _status(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return _STATUS_NAMES.get(text.lower())
