"""Refuse URLs that point into private networks: the guard against server-side request forgery.

Feed lists and redirects come from strangers. Without a guard, a feed URL (or
a redirect from a public feed) such as ``http://169.254.169.254/latest/`` or
``http://[::ffff:127.0.0.1]:6379/`` would make newsdesk read the cloud
metadata service or a database on its own machine. ``Guard`` resolves a URL's
host and refuses it when any address is loopback, private, link-local,
multicast, reserved, unspecified, shared (100.64/10), documentation or a
cloud metadata address, including IPv4 addresses embedded in IPv6 ones
(mapped, compatible, NAT64, 6to4, Teredo) and the legacy IPv4 spellings that
resolvers accept (``2130706433``, ``0x7f.1``, ``127.1``).

The check happens twice: on the URL before each request or redirect hop (for
a clear error) and again when a connection is opened (``GuardedTransport``),
which connects only to the addresses the guard checked, so that a host whose
DNS answer changes between the two (DNS rebinding) cannot slip through.
Networks named in ``allow_networks`` are allowed explicitly (for example
``127.0.0.1/32`` for a feed server on this machine); cloud metadata addresses
never are.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import httpcore
import httpx

from newsdesk.errors import ConfigError, NewsdeskError, one_line

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver: TypeAlias = Callable[[str, int], Iterable[tuple[Any, ...]]]
"""Anything called like ``socket.getaddrinfo(host, port)``, returning its 5-tuples."""

SCHEMES = frozenset({"http", "https"})
DNS_TTL_S = 300.0
"""How long one host's checked addresses are reused: one answer serves the
pre-check and the connection, and a run does not ask DNS once per feed."""

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog"})

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
BLOCKED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = (
    (_V4("0.0.0.0/8"), "an unspecified address"),
    (_V4("10.0.0.0/8"), "a private address"),
    (_V4("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("169.254.0.0/16"), "a link-local address"),
    (_V4("172.16.0.0/12"), "a private address"),
    (_V4("192.0.0.0/24"), "a reserved (IETF protocol) address"),
    (_V4("192.0.2.0/24"), "a documentation address"),
    (_V4("192.88.99.0/24"), "a reserved (6to4 relay) address"),
    (_V4("192.168.0.0/16"), "a private address"),
    (_V4("198.18.0.0/15"), "a reserved (benchmarking) address"),
    (_V4("198.51.100.0/24"), "a documentation address"),
    (_V4("203.0.113.0/24"), "a documentation address"),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("240.0.0.0/4"), "a reserved address"),
    (_V6("::/128"), "an unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("64:ff9b:1::/48"), "a private (local NAT64) address"),
    (_V6("100::/64"), "a reserved (discard) address"),
    (_V6("2001:db8::/32"), "a documentation address"),
    (_V6("fc00::/7"), "a private (unique local) address"),
    (_V6("fe80::/10"), "a link-local address"),
    (_V6("fec0::/10"), "a private (site-local) address"),
    (_V6("ff00::/8"), "a multicast address"),
)
"""Special-purpose ranges with the words used in error messages; anything else
Python's ``ipaddress`` does not call global is refused as "not a public address"."""

_IPV4_COMPATIBLE = _V6("::/96")
_IPV4_TRANSLATED = _V6("::ffff:0:0:0/96")
_NAT64 = _V6("64:ff9b::/96")
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
"""Dots IDNA maps to ".", so that ``127。0。0。1`` is read as the address it is."""
_NUMERIC_LABEL = re.compile(r"(?:[0-9]+|0x[0-9a-f]*)", re.IGNORECASE)


class FetchError(NewsdeskError):
    """Fetching ``url`` failed; ``reason`` says why in one line.

    ``status`` is the last HTTP status seen (None when no response came) and
    ``retry_after`` the server's Retry-After in seconds, when it sent one, so
    a caller can schedule the next try.
    """

    def __init__(
        self,
        url: str,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.url = url
        self.reason = one_line(" ".join(reason.split()), REASON_LIMIT)
        self.status = status
        self.retry_after = retry_after
        super().__init__(one_line(f"{_cut(' '.join(url.split()))}: {self.reason}"))

    def __reduce__(self) -> tuple[Any, ...]:
        """Keep the attributes when the error crosses a process boundary."""
        return (_rebuild, (type(self), self.url, self.reason, self.status, self.retry_after))


def _rebuild(
    cls: type[FetchError], url: str, reason: str, status: int | None, retry_after: float | None
) -> FetchError:
    return cls(url, reason, status=status, retry_after=retry_after)


MAX_LABEL = 63
MAX_HOST = 253
"""The longest DNS label and host name (RFC 1035): a longer one cannot be resolved."""
REASON_LIMIT = 160
"""Characters of a reason kept in the message (a resolver's or server's words can run long)."""
URL_LIMIT = 100
"""Characters of a URL shown in a message: enough to know it, never a 10,000-character path."""


def _cut(url: str) -> str:
    return url if len(url) <= URL_LIMIT else url[: URL_LIMIT - 1] + f"… ({len(url)} characters)"


class BlockedURL(FetchError):
    """The guard refused the URL: bad scheme or host, or an address that must not be reached."""


def parse_networks(networks: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR strings as networks; a bad one is a ``ConfigError`` naming it."""
    parsed = []
    for network in networks:
        try:
            parsed.append(ipaddress.ip_network(network.strip(), strict=False))
        except ValueError:
            raise ConfigError(f"allow_networks: {network!r} is not a CIDR network") from None
    return tuple(parsed)


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries, which is where its packets really go."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in _NAT64 or address in _IPV4_TRANSLATED:
        return [low]
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return [low]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def blocked_reason(address: IPAddress, allow: Sequence[IPNetwork] = ()) -> str | None:
    """Why ``address`` must not be fetched (a noun phrase), or None when it may be."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if any(address in network for network in allow):
        return None
    for inner in embedded_ipv4(address):
        reason = blocked_reason(inner, allow)
        if reason is not None:
            return f"an IPv6 address embedding {inner}, {reason}"
        if any(inner in network for network in allow):
            return None
    for network, reason in BLOCKED_NETWORKS:
        if address in network:
            return reason
    if not address.is_global or address.is_multicast or address.is_reserved:
        return "not a public address"
    return None


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a numeric host stands for, in any spelling ``inet_aton`` accepts.

    ``2130706433``, ``0x7f.0.0.1``, ``0177.0.0.1`` and ``127.1`` all mean
    127.0.0.1 to the system resolver, so the guard must read them the same
    way. Returns None for a host name; raises ``ValueError`` for a host whose
    last label is numeric but that is no valid address (no top-level domain
    is numeric, so it cannot be a name either).
    """
    labels = host.split(".")
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None
    if len(labels) > 4:
        raise ValueError("too many parts")
    numbers = [_ipv4_part(label) for label in labels]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        raise ValueError("part out of range")
    value = last
    for index, number in enumerate(head):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ipv4_part(label: str) -> int:
    if not _NUMERIC_LABEL.fullmatch(label):
        raise ValueError(f"{label!r} is not a number")
    if label[:2].lower() == "0x":
        return int(label[2:] or "0", 16)
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8)
    return int(label)


def static_resolver(table: Mapping[str, str | Sequence[str]]) -> Resolver:
    """A resolver answering from ``table`` (name -> address or addresses), for tests and benchmarks.

    Unknown names fail as the system resolver does, with ``socket.gaierror``.
    """

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        found = table.get(host.lower().rstrip("."))
        if found is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = [found] if isinstance(found, str) else list(found)
        infos: list[tuple[Any, ...]] = []
        for text in addresses:
            family = socket.AF_INET6 if ":" in text else socket.AF_INET
            infos.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (text, port)))
        return infos

    return resolve


class Guard:
    """Checks URLs and host names against the blocked ranges, caching what DNS said.

    ``resolver`` defaults to ``socket.getaddrinfo``; tests pass
    ``static_resolver`` so that no real DNS is asked.
    """

    def __init__(
        self, allow_networks: Iterable[str] = (), resolver: Resolver | None = None
    ) -> None:
        self.allow = parse_networks(allow_networks)
        self.resolver: Resolver = resolver or socket.getaddrinfo
        self._cache: dict[str, tuple[float, list[IPAddress]]] = {}

    def parse(self, url: str | httpx.URL) -> httpx.URL:
        """``url`` as httpx reads it (the client reads it the same way), with scheme and host
        checked; addresses are not looked at yet."""
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise BlockedURL(str(url), _invalid_reason(str(url), exc)) from None
        if not parsed.scheme:
            raise BlockedURL(str(url), "not an absolute URL (no scheme)")
        if parsed.scheme not in SCHEMES:
            reason = f"scheme {parsed.scheme!r} is not allowed (http and https only)"
            raise BlockedURL(str(url), reason)
        if not parsed.host:
            raise BlockedURL(str(url), "the URL has no host")
        return parsed

    async def check_url(self, url: str | httpx.URL) -> httpx.URL:
        """The parsed URL when every address of its host may be fetched; else ``BlockedURL``."""
        parsed = self.parse(url)
        try:
            await self.addresses(parsed.raw_host.decode("ascii"), parsed.port or 0)
        except BlockedURL as exc:
            raise BlockedURL(str(url), exc.reason) from None
        except FetchError as exc:
            raise FetchError(str(url), exc.reason) from None
        return parsed

    def check_url_sync(self, url: str | httpx.URL) -> list[IPAddress]:
        """The checked addresses of ``url``'s host, resolving in this thread."""
        parsed = self.parse(url)
        try:
            return self._addresses_now(parsed.raw_host.decode("ascii"), parsed.port or 0)
        except BlockedURL as exc:
            raise BlockedURL(str(url), exc.reason) from None
        except FetchError as exc:
            raise FetchError(str(url), exc.reason) from None

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address ``host`` stands for, all allowed; ``BlockedURL`` (url: the host) if not."""
        name, literal = self._classify(host)
        if literal is not None:
            return self._allowed(name, literal)
        cached = self._cache.get(name)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        resolved = await asyncio.to_thread(self._resolve, name, port)
        return self._remember(name, self._allowed(name, resolved, resolved_from=name))

    def _addresses_now(self, host: str, port: int) -> list[IPAddress]:
        name, literal = self._classify(host)
        if literal is not None:
            return self._allowed(name, literal)
        resolved = self._resolve(name, port)
        return self._remember(name, self._allowed(name, resolved, resolved_from=name))

    def _remember(self, name: str, addresses: list[IPAddress]) -> list[IPAddress]:
        self._cache[name] = (time.monotonic() + DNS_TTL_S, addresses)
        return addresses

    def _classify(self, host: str) -> tuple[str, list[IPAddress] | None]:
        """The host's canonical name and, when it needs no DNS, its addresses."""
        name = host.lower()
        if "%" in name:
            raise BlockedURL(host, "the host contains '%' (percent-encoding or an IPv6 zone)")
        if name.endswith("."):
            name = name[:-1]
        if not name:
            raise BlockedURL(host, "the URL has no host")
        if ":" in name:
            try:
                return name, [ipaddress.IPv6Address(name.strip("[]"))]
            except ValueError:
                raise BlockedURL(host, f"{host!r} is not a valid IPv6 address") from None
        try:
            v4 = parse_ipv4(name)
        except ValueError:
            raise BlockedURL(host, f"{host!r} is numeric but not a valid IPv4 address") from None
        if v4 is not None:
            return name, [v4]
        if name == "localhost" or name.endswith(".localhost"):
            return name, [ipaddress.IPv4Address("127.0.0.1")]
        if name in METADATA_HOSTS:
            raise BlockedURL(host, f"{name} is a cloud metadata host")
        if len(name) > MAX_HOST or any(len(label) > MAX_LABEL for label in name.split(".")):
            raise BlockedURL(
                host,
                f"the host name is longer than DNS allows ({MAX_LABEL} characters a label,"
                f" {MAX_HOST} in all)",
            )
        if not name.isascii():
            raise BlockedURL(host, f"{host!r} is not an ASCII (IDNA-encoded) host name")
        return name, None

    def _resolve(self, name: str, port: int) -> list[IPAddress]:
        try:
            infos = list(self.resolver(name, port))
        except (OSError, UnicodeError) as exc:
            detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise FetchError(name, f"cannot resolve {name}: {detail}") from None
        addresses: list[IPAddress] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise FetchError(name, f"cannot resolve {name}: no addresses")
        return addresses

    def _allowed(
        self, host: str, addresses: list[IPAddress], resolved_from: str | None = None
    ) -> list[IPAddress]:
        for address in addresses:
            reason = blocked_reason(address, self.allow)
            if reason is None:
                continue
            hint = _allow_hint(address, reason)
            if resolved_from is None:
                raise BlockedURL(host, f"refused: {address} is {reason}{hint}")
            raise BlockedURL(
                host, f"refused: {resolved_from} resolves to {address}, {reason}{hint}"
            )
        return addresses


def _allow_hint(address: IPAddress, reason: str) -> str:
    """How to read feeds on a private or loopback network on purpose (a test server, an
    intranet): never offered for metadata or otherwise special addresses."""
    if "private" not in reason and "loopback" not in reason:
        return ""
    prefix = 32 if address.version == 4 else 128
    return f' (to allow it, add "{address}/{prefix}" to [fetch] allow_networks)'


def _invalid_reason(url: str, exc: Exception) -> str:
    """Why httpx rejected ``url``, naming the address when the host is an odd IPv4 spelling."""
    try:
        host = urlsplit(url).hostname or ""
        plain = unicodedata.normalize("NFKC", host).translate(_DOTS).rstrip(".")
        v4 = parse_ipv4(plain)
    except ValueError:
        v4 = None
    if v4 is not None:
        reason = blocked_reason(v4)
        if reason is not None:
            return f"refused: {host} means {v4}, {reason}"
    return f"not a valid URL ({exc})"


def check_url(
    url: str, allow_networks: Iterable[str] = (), resolver: Resolver | None = None
) -> list[IPAddress]:
    """Check one URL synchronously: its host's addresses, or ``BlockedURL`` / ``FetchError``."""
    return Guard(allow_networks, resolver).check_url_sync(url)


class GuardedBackend(httpcore.AnyIOBackend):
    """Opens TCP connections only to addresses the guard has checked for the host."""

    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self.guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first checked address that answers (TLS still verifies ``host``)."""
        addresses = await self.guard.addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await super().connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (HTTP/1.1, TLS, keep-alive), connecting through ``GuardedBackend``.

    Proxies and environment settings are ignored: a proxy would make every
    connection go to the proxy's address, out of the guard's sight.
    """

    def __init__(self, guard: Guard, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        super().__init__(trust_env=False, limits=limits)
        # httpx builds its pool without a way to pass a network backend, so the
        # pool is rebuilt the same way with the guarded one (httpx is pinned).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(guard),
        )
