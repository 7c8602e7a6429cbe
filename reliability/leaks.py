"""Looking for secrets where they must not be: every form a secret may take in text.

A client secret, a certificate password or a token can leak as itself (or a piece of it),
JSON-escaped, percent-encoded (a form post), or base64-encoded (a Basic header, a PFX blob, a
log of bytes) at any offset inside a longer base64 text. ``forms`` lists all of them; ``scan`` reports each
(place, secret name, form) found.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

# Any JWT (an access token, a client assertion): header and payload are base64url JSON objects.
JWT = re.compile(r"eyJ[\w-]{6,}\.eyJ[\w-]{6,}\.[\w-]*")

MIN_SECRET = 8  # shorter values (a test's "x") would match by chance
WINDOW = 24  # a leaked piece this long of a secret (or token) counts: 32+ characters are caught


def forms(secret: str) -> dict[str, str]:
    """The texts that betray ``secret``: name of the encoding -> the text to look for."""
    found = {
        "plain": secret,
        "json": json.dumps(secret)[1:-1],
        "url": quote(secret, safe=""),
        "form": quote_plus(secret),
    }
    raw = secret.encode()
    for offset in range(3):
        # base64 of the secret at each alignment inside a longer text: drop the characters
        # that depend on the neighbours, keep the ones only the secret decides.
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        start = -(-offset * 4 // 3) + (1 if offset else 0)
        tail = (len(raw) + offset) % 3
        end = len(encoded) - (4 if tail else 0)
        core = encoded[start:end]
        if len(core) >= MIN_SECRET:
            found[f"base64@{offset}"] = core
            found[f"base64url@{offset}"] = core.replace("+", "-").replace("/", "_")
    return found


def scan(
    places: Mapping[str, str], secrets: Mapping[str, str], *, jwt: bool = True
) -> list[tuple[str, str, str]]:
    """(place, secret name, form) for every secret form found in the places' texts; with
    ``jwt`` also any JWT-shaped text (secret name "a JWT")."""
    hits = []
    usable = {name: value for name, value in secrets.items() if value and len(value) >= MIN_SECRET}
    needles = {name: list(forms(value).items()) + _pieces(value) for name, value in usable.items()}
    for place, text in places.items():
        for name, found in needles.items():
            for form, needle in found:
                if needle in text:
                    hits.append((place, name, form))
                    break
        if jwt and JWT.search(text):
            hits.append((place, "a JWT", JWT.search(text).group(0)[:12] + "..."))  # type: ignore[union-attr]
    return hits


def _pieces(secret: str) -> list[tuple[str, str]]:
    """Windows of a long secret, so that a truncated or split one is found too."""
    if len(secret) <= WINDOW + 8:
        return []
    starts = [*range(0, len(secret) - WINDOW + 1, 8), len(secret) - WINDOW]
    return [(f"piece@{i}", secret[i : i + WINDOW]) for i in starts]


def join(texts: Iterable[str]) -> str:
    return "\n".join(texts)
