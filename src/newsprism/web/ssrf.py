"""URL ingest that cannot be turned against the server's own network (SSRF).

`guarded_client(allow_private=False)` is an `httpx.Client` for the ingest fetcher that
refuses any host resolving to a non-global address (private, loopback, link-local,
carrier-grade NAT, multicast, reserved, unspecified; IPv4-mapped IPv6 unwrapped):

- before each request, the URL's host is resolved and *every* address checked, so a
  name with one public and one private address is refused; the fetcher sends every
  redirect hop as its own request, so each hop is checked too;
- the connection itself is opened to an address checked at connect time (a network
  backend that resolves, checks and connects in one step), so a DNS answer that
  changes between the check and the connect (rebinding) cannot reach a private host;
- environment proxies are ignored (`trust_env=False`): a proxy would connect for us.

Refusals raise `httpx.ConnectError`, which the fetcher turns into a `fetch-failed`
rejection whose detail names the host, the address and the setting that allows it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpcore
import httpx

__all__ = ["BlockedAddress", "GuardedBackend", "GuardedTransport", "Resolver", "check_host", "guarded_client",
           "why_blocked"]

Resolver = Callable[[str, int], list[str]]  # (host, port) -> IP addresses
HINT = "set NEWSPRISM_WEB_ALLOW_PRIVATE_URLS=true to allow private addresses"


class BlockedAddress(Exception):
    """A host resolves to an address that URL ingest must not reach."""


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedAddress(f"cannot resolve {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_blocked(address: str) -> str | None:
    """Why `address` may not be fetched (e.g. "loopback"), or None for a global address."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            reason = why_blocked(str(inner))
            return f"{reason} (inside {ip})" if reason else None
    for kind in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "not globally routable"
    return None


def check_host(host: str, port: int, resolver: Resolver) -> list[str]:
    """The addresses of `host`, all of them allowed; raises `BlockedAddress` otherwise."""
    host = host.strip("[]")
    addresses = resolver(host, port)
    if not addresses:
        raise BlockedAddress(f"{host!r} resolves to no address")
    for address in addresses:
        reason = why_blocked(address)
        if reason:
            raise BlockedAddress(f"refused: {host} resolves to {address} ({reason}); {HINT}")
    return addresses


class GuardedBackend(httpcore.SyncBackend):
    """Network backend that connects only to checked addresses (resolved at connect time)."""

    def __init__(self, resolver: Resolver = system_resolver) -> None:
        self._resolver = resolver

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[tuple] | None = None) -> httpcore.NetworkStream:
        try:
            addresses = check_host(host, port, self._resolver)
        except BlockedAddress as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # next address of a multi-homed host
                last = exc
        assert last is not None
        raise last


class GuardedTransport(httpx.BaseTransport):
    """Checks each request's host before sending it through `inner` (by default an
    HTTP transport whose connections go through `GuardedBackend`)."""

    def __init__(self, resolver: Resolver = system_resolver, inner: httpx.BaseTransport | None = None) -> None:
        self._resolver = resolver
        if inner is None:
            transport = httpx.HTTPTransport(trust_env=False)
            # httpx has no public argument for the network backend: the pool is rebuilt
            # with ours (same defaults); tests/test_web_ssrf.py pins that it is used.
            transport._pool = httpcore.ConnectionPool(
                ssl_context=transport._pool._ssl_context,  # type: ignore[union-attr]
                max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
                network_backend=GuardedBackend(resolver))
            inner = transport
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"refused: {request.url.scheme!r} URLs are not fetched", request=request)
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        try:
            check_host(request.url.host, port, self._resolver)
        except BlockedAddress as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def guarded_client(*, allow_private: bool = False, resolver: Resolver = system_resolver,
                   inner: httpx.BaseTransport | None = None) -> httpx.Client:
    """The HTTP client URL ingest uses: guarded unless `allow_private`."""
    if allow_private:
        return httpx.Client(trust_env=False, transport=inner)
    return httpx.Client(trust_env=False, transport=GuardedTransport(resolver, inner))
