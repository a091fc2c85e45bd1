"""The SSRF guard: URL spellings that must be refused, ones that must pass, and the
connect-time check. No real DNS: names resolve through ``static_resolver``."""

from __future__ import annotations

import asyncio
import ipaddress
import pickle
import socket
from typing import Any

import httpx
import pytest

from newsdesk.config import FetchSettings
from newsdesk.errors import MESSAGE_LIMIT, ConfigError
from newsdesk.ingest.netguard import (
    BlockedURL,
    FetchError,
    Guard,
    GuardedTransport,
    blocked_reason,
    check_url,
    parse_ipv4,
    static_resolver,
)
from web_server import fault_routes, serve

DNS = static_resolver(
    {
        "example.com": "93.184.216.34",
        "news.example.org": "2606:2800:220:1:248:1893:25c8:1946",
        "xn--bcher-kva.example": "93.184.216.34",
        "xn--bcher-kva.test": "10.0.0.2",
        "localhost": "127.0.0.1",
        "internal.test": "10.1.2.3",
        "mixed.test": ["93.184.216.34", "192.168.0.1"],
        "six.test": "::1",
        "metadata.test": "169.254.169.254",
        "cgnat.test": "100.100.100.100",
    }
)

REFUSED = [
    # (URL, a fragment the one-line reason must contain)
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://127.0.0.1:8080/feed", "127.0.0.1 is a loopback address"),
    ("http://127.0.0.1./", "127.0.0.1 is a loopback address"),
    ("http://2130706433/", "127.0.0.1 is a loopback address"),
    ("http://0x7f.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://0x7f000001/", "127.0.0.1 is a loopback address"),
    ("http://0177.0.0.1/", "means 127.0.0.1, a loopback address"),
    ("http://127.000.000.001/", "means 127.0.0.1, a loopback address"),
    ("http://127.1/", "127.0.0.1 is a loopback address"),
    ("http://0x0a.0x00.0x00.0x01/", "10.0.0.1 is a private address"),
    ("http://012.1/", "10.0.0.1 is a private address"),
    ("http://0/", "0.0.0.0 is an unspecified address"),
    ("http://0.0.0.0:80/", "0.0.0.0 is an unspecified address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://[::]/", ":: is an unspecified address"),
    ("http://[0:0:0:0:0:ffff:7f00:1]/", "embedding 127.0.0.1, a loopback address"),
    ("http://[::ffff:127.0.0.1]/", "embedding 127.0.0.1, a loopback address"),
    ("http://[::ffff:10.0.0.1]/", "embedding 10.0.0.1, a private address"),
    ("http://[::ffff:a9fe:a9fe]/", "embedding 169.254.169.254, a cloud metadata address"),
    ("http://[::127.0.0.1]/", "embedding 127.0.0.1, a loopback address"),
    ("http://[64:ff9b::a00:1]/", "embedding 10.0.0.1, a private address"),
    ("http://[2002:c0a8:101::]/", "embedding 192.168.1.1, a private address"),
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "embedding 127.0.0.1, a loopback"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[fe80::1%25eth0]/", "IPv6 zone"),
    ("http://[fd12:3456::1]/", "a private (unique local) address"),
    ("http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"),
    ("http://[ff02::1]/", "ff02::1 is a multicast address"),
    ("http://[2001:db8::1]/", "a documentation address"),
    ("http://10.0.0.1/", "10.0.0.1 is a private address"),
    ("http://172.16.5.4/", "172.16.5.4 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"),
    ("https://169.254.169.254/", "a cloud metadata address"),
    ("http://169.254.1.1/", "169.254.1.1 is a link-local address"),
    ("http://100.64.0.1/", "a shared (carrier-grade NAT) address"),
    ("http://198.18.0.1/", "a reserved (benchmarking) address"),
    ("http://224.0.0.251/", "224.0.0.251 is a multicast address"),
    ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ("http://255.255.255.255/", "a reserved address"),
    ("http://example.com@127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://user:secret@10.0.0.1:80/", "10.0.0.1 is a private address"),
    ("http://localhost/", "127.0.0.1 is a loopback address"),
    ("http://localhost./", "127.0.0.1 is a loopback address"),
    ("http://LOCALHOST:8000/", "127.0.0.1 is a loopback address"),
    ("http://feeds.localhost/", "127.0.0.1 is a loopback address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "a cloud metadata host"),
    ("http://metadata.google.internal./", "a cloud metadata host"),
    ("http://internal.test/", "internal.test resolves to 10.1.2.3, a private address"),
    ("http://mixed.test/", "mixed.test resolves to 192.168.0.1, a private address"),
    ("http://six.test/", "six.test resolves to ::1, a loopback address"),
    ("http://metadata.test/", "resolves to 169.254.169.254, a cloud metadata address"),
    ("http://cgnat.test/", "resolves to 100.100.100.100, a shared"),
    ("http://bücher.test/", "xn--bcher-kva.test resolves to 10.0.0.2"),
    ("http://127。0。0。1/", "127.0.0.1 is a loopback address"),
    ("http://１２７.０.０.１/", "means 127.0.0.1, a loopback address"),
    ("http://%31%32%37.0.0.1/", "contains '%'"),
    ("http://1.2.3.4.5/", "numeric but not a valid IPv4 address"),
    ("http://example.123/", "numeric but not a valid IPv4 address"),
    ("file:///etc/passwd", "scheme 'file' is not allowed"),
    ("ftp://example.com/feed.xml", "scheme 'ftp' is not allowed"),
    ("gopher://127.0.0.1:6379/_INFO", "scheme 'gopher' is not allowed"),
    ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
    ("http:///feed.xml", "no host"),
    ("//127.0.0.1/feed.xml", "not an absolute URL"),
    ("feed.xml", "not an absolute URL"),
    ("http:/127.0.0.1/", "no host"),
]

ALLOWED = [
    ("http://example.com/feed.xml", "93.184.216.34"),
    ("HTTP://EXAMPLE.COM./feed", "93.184.216.34"),
    ("https://news.example.org:8443/rss", "2606:2800:220:1:248:1893:25c8:1946"),
    ("http://bücher.example/", "93.184.216.34"),
    ("http://8.8.8.8/", "8.8.8.8"),
    ("http://134744072/", "8.8.8.8"),
    ("http://1.1.1.1./", "1.1.1.1"),
    ("http://[2606:4700:4700::1111]/", "2606:4700:4700::1111"),
    ("http://[2002:808:808::]/", "2002:808:808::"),
]


def test_the_table_is_long_enough() -> None:
    assert len(REFUSED) >= 30


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_refused(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL) as info:
        check_url(url, resolver=DNS)
    message = str(info.value)
    assert reason in message
    assert "\n" not in message
    assert info.value.url == url
    assert isinstance(info.value, FetchError)


@pytest.mark.parametrize(("url", "address"), ALLOWED)
def test_allowed(url: str, address: str) -> None:
    assert check_url(url, resolver=DNS) == [ipaddress.ip_address(address)]


def test_allow_networks_admit_exactly_what_they_name() -> None:
    allow = ["127.0.0.1/32"]
    assert check_url("http://127.0.0.1:8000/feed.xml", allow, DNS)
    assert check_url("http://localhost:8000/", allow, DNS)
    assert check_url("http://[::ffff:127.0.0.1]/", allow, DNS)
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.2 is a loopback"):
        check_url("http://127.0.0.2/", allow, DNS)
    with pytest.raises(BlockedURL, match="::1 is a loopback"):
        check_url("http://[::1]/", allow, DNS)
    assert check_url("http://10.9.8.7/", ["10.0.0.0/8"], DNS)


def test_metadata_addresses_stay_refused_even_in_an_allowed_network() -> None:
    allow = ["169.254.0.0/16", "fd00::/8"]
    assert check_url("http://169.254.1.1/", allow, DNS)
    with pytest.raises(BlockedURL, match="cloud metadata address"):
        check_url("http://169.254.169.254/", allow, DNS)
    with pytest.raises(BlockedURL, match="cloud metadata address"):
        check_url("http://[fd00:ec2::254]/", allow, DNS)


def test_a_name_that_does_not_resolve_is_a_fetch_error_not_a_block() -> None:
    with pytest.raises(FetchError, match=r"cannot resolve nowhere\.test") as info:
        check_url("http://nowhere.test/", resolver=DNS)
    assert not isinstance(info.value, BlockedURL)


@pytest.mark.parametrize(
    "url",
    [
        "http://" + "a" * 64 + ".test/",
        "http://" + "a." * 127 + "test/",
        "http://b" + "a" * 300 + "/",
    ],
    ids=["label", "name", "both"],
)
def test_a_host_name_longer_than_dns_allows_is_refused_as_such(url: str) -> None:
    """Not as an encoding failure of the IDNA codec: the reason names the real limit."""
    with pytest.raises(BlockedURL, match="longer than DNS allows") as info:
        check_url(url, resolver=DNS)
    assert len(str(info.value)) <= MESSAGE_LIMIT and "idna" not in str(info.value)


def test_a_message_shows_a_long_url_cut_and_keeps_it_whole_on_the_error() -> None:
    url = "http://nowhere.test/" + "p" * 10_000
    with pytest.raises(FetchError) as info:
        check_url(url, resolver=DNS)
    message = str(info.value)
    assert len(message) <= MESSAGE_LIMIT and "(10020 characters)" in message
    assert "cannot resolve nowhere.test" in message
    assert info.value.url == url


def test_literal_addresses_never_reach_the_resolver() -> None:
    asked: list[str] = []

    def resolver(host: str, port: int, *args: Any) -> list[tuple[Any, ...]]:
        asked.append(host)
        return []

    with pytest.raises(BlockedURL):
        check_url("http://0x7f.1/", resolver=resolver)
    assert check_url("http://[2606:4700:4700::1111]/", resolver=resolver)
    assert asked == []


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0x", "0.0.0.0"),
        ("example.com", None),
        ("123.example", None),
    ],
)
def test_parse_ipv4_reads_every_inet_aton_spelling(host: str, address: str | None) -> None:
    parsed = parse_ipv4(host)
    assert (str(parsed) if parsed else None) == address


@pytest.mark.parametrize("host", ["256.1.1.1", "1.2.3.4.5", "08.1.1.1", "4294967296", "1..1"])
def test_parse_ipv4_refuses_numeric_hosts_that_are_no_address(host: str) -> None:
    with pytest.raises(ValueError):
        parse_ipv4(host)


def test_blocked_reason_passes_public_addresses() -> None:
    assert blocked_reason(ipaddress.ip_address("93.184.216.34")) is None
    assert blocked_reason(ipaddress.ip_address("2a00:1450:4001:80b::200e")) is None
    assert blocked_reason(ipaddress.ip_address("100.128.0.1")) is None  # just past 100.64/10


def test_fetch_errors_survive_pickling() -> None:
    error = BlockedURL("http://10.0.0.1/", "refused: 10.0.0.1 is a private address", status=302)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is BlockedURL
    assert (copy.url, copy.reason, copy.status) == (error.url, error.reason, 302)
    assert str(copy) == str(error)


def test_fetch_settings_refuse_a_bad_network() -> None:
    with pytest.raises(ConfigError, match="'nonsense' is not a CIDR network"):
        FetchSettings(allow_networks=("nonsense",))


def test_the_transport_refuses_at_connect_time() -> None:
    """Even a request that skipped the URL check cannot open a connection to a refused address."""

    async def get(url: str, guard: Guard) -> int:
        async with httpx.AsyncClient(transport=GuardedTransport(guard)) as client:
            return (await client.get(url)).status_code

    with serve(fault_routes()) as server:
        with pytest.raises(BlockedURL, match=r"127\.0\.0\.1 is a loopback address"):
            asyncio.run(get(server.url("feed.xml"), Guard()))
        assert server.requests == []
        assert asyncio.run(get(server.url("feed.xml"), Guard(["127.0.0.1/32"]))) == 200


def test_the_transport_connects_to_the_address_the_guard_checked() -> None:
    """A name is resolved once, by the guard, and the connection goes to that answer."""
    asked: list[str] = []

    def resolver(host: str, port: int, *args: Any) -> list[tuple[Any, ...]]:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    async def get(url: str) -> httpx.Response:
        guard = Guard(["127.0.0.1/32"], resolver)
        await guard.check_url(url)
        async with httpx.AsyncClient(transport=GuardedTransport(guard)) as client:
            return await client.get(url)

    with serve(fault_routes()) as server:
        port = server.base_url.rsplit(":", 1)[1].strip("/")
        response = asyncio.run(get(f"http://feeds.test:{port}/feed.xml"))
        assert response.status_code == 200
        assert server.requests[0].headers["host"] == f"feeds.test:{port}"
    assert asked == ["feeds.test"]
