"""Where a connector may send requests: one policy against server-side request forgery.

Every provider URL (Pennylane ``base_url``, Zoho Books ``accounts_url`` and ``api_url``, NetSuite
``base_url``) goes through this module twice:

- **when a config is validated** (``check_url``): ``https`` only; no user name or password in the
  URL; a host written as an IP address must be a public one. The one exception is a **local
  sandbox** (``billabex_sandbox``, the demo and the tests): ``http`` or ``https`` to the literal
  host ``127.0.0.1``, ``localhost`` or ``[::1]``, allowed while the setting
  ``BILLABEX_LOCAL_SANDBOXES`` is on (the default, so that ``sandbox PROVIDER`` then
  ``integration add`` work as docs/cli.md says; a deployment for a team turns it off).
- **when a connection is opened** (``GuardedTransport``, the default transport of every
  connector's HTTP clients): the host is resolved and *every* address it resolves to is
  checked; the socket is then opened to a checked address, so a second lookup cannot rebind the
  name. A host that is not a local sandbox must resolve to public addresses only: loopback,
  private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 — cloud metadata —,
  fe80::/10), shared (100.64/10), multicast, reserved and unspecified addresses are refused with
  ``BlockedAddressError`` before a byte is sent, whatever the URL's text said. A sandbox host
  must resolve to loopback only. The scheme rule is checked again on every request (a URL built
  from a provider's answer included).

Redirects are never followed by the connectors' clients, and proxies from the environment are
not used (a proxy would make the address check meaningless).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from billabex_core.config import get_settings
from billabex_core.errors import ConnectorError, ValidationError
from billabex_core.messages import Template

SANDBOX_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4, keepalive_expiry=30.0)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


_BLOCKED = (
    "Billabex does not connect to {host}: %s. A billing tool's address must be a "
    "public https address (http://127.0.0.1:PORT only for a local sandbox)"
)
SANDBOXES_OFF = Template(
    "connector.blocked.sandboxes_off", _BLOCKED % "local sandboxes are switched off on this server"
)
HTTPS_ONLY = Template("connector.blocked.https_only", _BLOCKED % "only https is allowed")
UNREADABLE = Template("connector.blocked.unreadable", _BLOCKED % "it resolves to an unreadable address")
REMOTE_SANDBOX = Template(
    "connector.blocked.remote_sandbox", _BLOCKED % "a local sandbox must be on this machine, not {address}"
)
PRIVATE = Template(
    "connector.blocked.private", _BLOCKED % "it resolves to a private or reserved address ({address})"
)


class BlockedAddressError(ConnectorError):
    """A provider URL whose host is, or resolves to, an address Billabex does not connect to."""

    def __init__(self, host: str, reason: Template, **params: object) -> None:
        super().__init__(reason, host=host, **params)
        self.host = host


def sandboxes_allowed() -> bool:
    return bool(get_settings().local_sandboxes)


def is_sandbox_host(host: str) -> bool:
    return host.strip("[]").lower().rstrip(".") in SANDBOX_HOSTS


def _ip(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    """A global unicast address: not loopback, private, link-local, shared, reserved, multicast."""
    return address.is_global and not address.is_multicast


def check_url(value: Any, *, key: str) -> str:
    """The URL without its trailing slash, or ``ValidationError`` naming ``key``."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
        host, _port = parts.hostname or "", parts.port
    except ValueError:
        raise ValidationError(f"{key} is not a valid URL", field=key, code="url.invalid") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(f"{key} must be an https URL", field=key, code="url.not_https")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            f"{key} must not carry a user name or password", field=key, code="url.credentials"
        )
    if parts.fragment:
        raise ValidationError(f"{key} must not have a #fragment", field=key, code="url.fragment")
    if is_sandbox_host(host):
        if not sandboxes_allowed():
            raise ValidationError(
                f"{key}: local sandboxes are switched off on this server (BILLABEX_LOCAL_SANDBOXES)",
                field=key,
                code="url.sandboxes_off",
            )
        return text.rstrip("/")
    if parts.scheme != "https":
        raise ValidationError(
            f"{key} must be an https URL (http only for a local sandbox on 127.0.0.1)",
            field=key,
            code="url.https_only",
        )
    address = _ip(host)
    if address is not None and not is_public(address):
        raise ValidationError(
            f"{key} points to a private or reserved address ({address})",
            field=key,
            code="url.private",
            params={"address": str(address)},
        )
    return text.rstrip("/")


def check_request_url(url: httpx.URL) -> None:
    """The scheme and literal-host rules for one request (``BlockedAddressError``)."""
    host = url.host
    if is_sandbox_host(host):
        if not sandboxes_allowed():
            raise BlockedAddressError(host, SANDBOXES_OFF)
        return
    if url.scheme != "https":
        raise BlockedAddressError(host, HTTPS_ONLY)


def resolve_checked(host: str, port: int) -> list[str]:
    """The addresses of ``host`` if every one of them may be connected to, else ``BlockedAddressError``."""
    sandbox = is_sandbox_host(host) and sandboxes_allowed()
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for text in addresses:
        address = _ip(text)
        if address is None:
            raise BlockedAddressError(host, UNREADABLE)
        if sandbox and not address.is_loopback:
            raise BlockedAddressError(host, REMOTE_SANDBOX, address=str(address))
        if not sandbox and not is_public(address):
            raise BlockedAddressError(host, PRIVATE, address=str(address))
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, connecting only to addresses ``resolve_checked`` allows."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in resolve_checked(host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # the next address, as socket.create_connection does
                failure = exc
        assert failure is not None
        raise failure


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go through ``GuardedBackend`` (TLS still checks
    the certificate against the URL's host name)."""

    def __init__(self, *, limits: httpx.Limits = DEFAULT_LIMITS) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its pool without a way to pass a network backend: the same pool, with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # SSL_CERT_FILE / SSL_CERT_DIR still apply
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_request_url(request.url)
        return super().handle_request(request)


def guarded(
    transport: httpx.BaseTransport | None, *, limits: httpx.Limits = DEFAULT_LIMITS
) -> httpx.BaseTransport:
    """The transport a connector's HTTP client uses: the one given (tests), else a guarded one."""
    return transport if transport is not None else GuardedTransport(limits=limits)
