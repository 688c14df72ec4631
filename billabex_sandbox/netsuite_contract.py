"""What the NetSuite sandbox is held to, and how it checks a client's TBA signature.

NetSuite publishes no OpenAPI for SuiteQL: the contract is Oracle's REST documentation as
summed up in connectors.md §3.3–3.8. ``ENVELOPE`` and ``ERROR`` are JSON Schemas of the SuiteQL
collection envelope (``links``/``count``/``hasMore``/``items``/``offset``/``totalResults``, rows
of strings) and of the error body (``type``/``title``/``status``/``o:errorDetails[]``); ``check``
validates every reply the sandbox serves against them (jsonschema).

``expected_signature`` is the sandbox's own OAuth 1.0a HMAC-SHA256 signer (RFC 5849 §3.4),
written apart from the connector's so that each checks the other; both reproduce the published
test vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
from typing import Any
from urllib.parse import quote, unquote, unquote_plus, urlsplit

_STRINGS = {
    "type": "object",
    "properties": {"links": {"type": "array"}},
    "additionalProperties": {"type": "string"},
}
ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["links", "count", "hasMore", "items", "offset", "totalResults"],
    "additionalProperties": False,
    "properties": {
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rel", "href"],
                "properties": {
                    "rel": {"enum": ["self", "next", "prev", "first", "last"]},
                    "href": {"type": "string"},
                },
            },
        },
        "count": {"type": "integer", "minimum": 0, "maximum": 1000},
        "hasMore": {"type": "boolean"},
        "items": {"type": "array", "maxItems": 1000, "items": _STRINGS},
        "offset": {"type": "integer", "minimum": 0},
        "totalResults": {"type": "integer", "minimum": 0, "maximum": 100_000},
    },
}
ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "o:errorDetails"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "o:errorDetails": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["detail", "o:errorCode"],
                "properties": {"detail": {"type": "string"}, "o:errorCode": {"type": "string"}},
            },
        },
    },
}


def check(status: int, body: bytes) -> str | None:
    """None when the reply is one NetSuite's REST documentation allows, else why not."""
    jsonschema: Any = importlib.import_module("jsonschema")  # a development dependency, as openapi-core
    try:
        document = json.loads(body)
        jsonschema.validate(document, ENVELOPE if status == 200 else ERROR)
    except (ValueError, jsonschema.ValidationError) as exc:
        return f"HTTP {status}: {str(exc).splitlines()[0][:300]}"
    return None


def _enc(value: str) -> str:
    return quote(value, safe="-._~")


def parse_header(header: str) -> dict[str, str]:
    """``OAuth realm="…", oauth_consumer_key="…", …`` → its fields, decoded."""
    if not header.startswith("OAuth "):
        return {}
    fields = {}
    for part in header[6:].split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = unquote(value.strip().strip('"'))
    return fields


def expected_signature(
    method: str, url: str, query: str, oauth: dict[str, str], secrets: tuple[str, str]
) -> str:
    parts = urlsplit(url)
    base_uri = f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}{parts.path}"
    pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&") if p]
    decoded = [(unquote_plus(k), unquote_plus(v)) for k, v in pairs]  # form-encoded: + is a space
    decoded += [(k, v) for k, v in oauth.items() if k.startswith("oauth_") and k != "oauth_signature"]
    normal = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in decoded))
    base = f"{method.upper()}&{_enc(base_uri)}&{_enc(normal)}"
    key = f"{_enc(secrets[0])}&{_enc(secrets[1])}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha256).digest()).decode()
