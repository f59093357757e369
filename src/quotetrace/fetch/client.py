"""Fetching one URL politely and safely, with httpx.

``Fetcher.fetch(url)`` follows at most ``max_redirects`` redirects itself (each hop is checked
like the first), sends a real User-Agent, honours robots.txt (Protego, with its Crawl-delay), waits
``host_delay`` seconds between requests to one host, sends ``If-None-Match`` / ``If-Modified-Since``
when it is given the validators of an earlier fetch (a 304 comes back as ``status="unchanged"``
with no body), streams the body and stops at ``max_bytes`` (counted after decompression, so a
gzip bomb stops too) or at ``total_timeout`` seconds, and retries what may pass (timeouts,
connection errors, 5xx, 429) ``retries`` times with exponential back-off.

With ``block_private`` every connection goes through ``GuardedBackend``: the host name is resolved
and every address checked *before* connecting, and the connection is made to the checked address
(no second lookup that DNS rebinding could answer differently). Private, loopback, link-local,
shared, reserved, multicast and unspecified addresses are refused, on redirects too; only the
networks listed in ``allow_networks`` (an explicit option, e.g. 127.0.0.1/32 for a test server)
are let through. Environment proxies are ignored in that mode.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore
import httpx

from quotetrace import __version__
from quotetrace.errors import BlockedAddress, FetchError, RobotsDisallowed

DEFAULT_USER_AGENT = (
    f"quotetrace/{__version__} (quotation extraction for news; honours robots.txt) "
    f"python-httpx/{httpx.__version__}"
)
ROBOTS_MAX_BYTES = 500_000
MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is capped
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class FetchPolicy:
    """How to fetch. The defaults suit a command a person runs; the web app sets
    ``block_private`` and smaller caps."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # the whole fetch of one URL, redirects included
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    host_delay: float = 1.0  # seconds between two requests to the same host
    respect_robots: bool = True
    retries: int = 2  # extra attempts for transient errors
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    block_private: bool = False
    allow_networks: tuple[str, ...] = ()  # with block_private: these networks are let through

    def networks(self) -> tuple[IpNetwork, ...]:
        try:
            return tuple(ipaddress.ip_network(n, strict=False) for n in self.allow_networks)
        except ValueError as exc:
            raise FetchError(f"bad network in allow_networks: {exc}") from exc


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: Literal["fetched", "unchanged"]
    status_code: int
    content_type: str | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()


# -- the address guard ------------------------------------------------------------------------


def address_refused(address: IpAddress, allow: Iterable[IpNetwork] = ()) -> str | None:
    """Why fetching must not connect to ``address`` (None when it may)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in net for net in allow):
        return None
    for reason, flag in (
        ("loopback", address.is_loopback),
        ("private", address.is_private),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
    ):
        if flag:
            return reason
    if not address.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (literal addresses stay as they are)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        ip = str(sockaddr[0]).split("%", 1)[0]
        if ip not in seen:
            seen.append(ip)
    return seen


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, resolving and checking every address before it connects, and
    connecting to the address it checked."""

    def __init__(self, allow: Iterable[IpNetwork] = ()) -> None:
        self.allow = tuple(allow)
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve(host, port)
        for ip in addresses:
            reason = address_refused(ipaddress.ip_address(ip), self.allow)
            if reason is not None:
                raise BlockedAddress(f"refused: {host} resolves to {ip} ({reason} address)")
        last: Exception | None = None
        for ip in addresses:
            try:
                return self.inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise BlockedAddress("refused: unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _guarded_transport(allow: Iterable[IpNetwork]) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0)
    # The one place that reaches into httpx: the same pool httpx builds, over our backend. If a
    # later httpx keeps its pool elsewhere, refuse to fetch rather than fetch unguarded.
    if not isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        raise FetchError("the address guard does not support this httpx version")
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        network_backend=GuardedBackend(allow),
    )
    return transport


# -- robots.txt ----------------------------------------------------------------------------------


@dataclass
class _Robots:
    parser: Any  # protego.Protego, or None: everything allowed
    disallow_all: bool = False

    def allowed(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, agent))

    def delay(self, agent: str) -> float:
        if self.parser is None:
            return 0.0
        value = self.parser.crawl_delay(agent)
        return min(float(value), MAX_CRAWL_DELAY) if value else 0.0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))


def check_url(url: str) -> str:
    """The URL without its fragment; FetchError unless it is an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018  # a bad port raises here
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {url!r}") from exc
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise FetchError(f"only http and https URLs are fetched: {url!r}")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


# -- the fetcher -------------------------------------------------------------------------------


class Fetcher:
    """One HTTP client with its robots.txt cache and per-host clock. Not thread-safe."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self._clock = clock
        self._log = log or (lambda message: None)
        self._robots: dict[str, _Robots] = {}
        self._last_request: dict[str, float] = {}
        timeout = httpx.Timeout(
            self.policy.read_timeout, connect=self.policy.connect_timeout, pool=5.0
        )
        headers = {
            "User-Agent": self.policy.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        }
        if self.policy.block_private:
            self.client = httpx.Client(
                timeout=timeout,
                headers=headers,
                follow_redirects=False,
                trust_env=False,
                transport=_guarded_transport(self.policy.networks()),
            )
        else:
            self.client = httpx.Client(timeout=timeout, headers=headers, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public -----------------------------------------------------------------------------

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch ``url``; with validators, a 304 is ``status="unchanged"``. Raises FetchError
        (``transient`` set when a later try may succeed) or BlockedAddress."""
        url = check_url(url)
        attempt = 0
        while True:
            try:
                return self._fetch_once(url, etag, last_modified)
            except FetchError as exc:
                if not exc.transient or attempt >= self.policy.retries:
                    raise
                wait = self.policy.backoff * (2**attempt)
                attempt += 1
                self._log(f"retry {attempt}/{self.policy.retries} of {url} in {wait:g}s: {exc}")
                self._sleep(wait)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url`` (always True when robots are not honoured)."""
        if not self.policy.respect_robots:
            return True
        return self._robots_for(url).allowed(url, self.policy.user_agent)

    # -- internals ----------------------------------------------------------------------------

    def _wait_for_host(self, url: str) -> None:
        origin = _origin(url)
        delay = self.policy.host_delay
        if self.policy.respect_robots and origin in self._robots:
            delay = max(delay, self._robots[origin].delay(self.policy.user_agent))
        last = self._last_request.get(origin)
        if last is not None and delay > 0:
            wait = last + delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request[origin] = self._clock()

    def _robots_for(self, url: str) -> _Robots:
        origin = _origin(url)
        found = self._robots.get(origin)
        if found is not None:
            return found
        robots_url = origin + "/robots.txt"
        try:
            deadline = self._clock() + 30
            result = self._get(robots_url, {}, ROBOTS_MAX_BYTES, deadline, 5, robots=False)
        except FetchError as exc:
            if isinstance(exc, BlockedAddress) or exc.transient:
                raise  # the host itself is refused or down: that is the page's error too
            if exc.status_code is not None and 400 <= exc.status_code < 500:
                found = _Robots(None)  # no robots.txt: everything allowed (RFC 9309 2.3.1.3)
            else:
                found = _Robots(None, disallow_all=True)
        else:
            from protego import Protego

            text = result.body.decode("utf-8", errors="replace")
            found = _Robots(Protego.parse(text))
        self._robots[origin] = found
        return found

    def _fetch_once(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        if not self.allowed(url):
            raise RobotsDisallowed(f"robots.txt disallows {url}")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self._clock() + self.policy.total_timeout
        return self._get(url, headers, self.policy.max_bytes, deadline, self.policy.max_redirects)

    def _get(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        deadline: float,
        hops: int,
        *,
        robots: bool = True,
    ) -> FetchResult:
        """GET with redirects followed by hand, each hop checked (robots, guard, delay)."""
        chain: list[str] = []
        current = url
        while True:
            if current in chain:
                raise FetchError(f"redirect loop at {current}")
            if len(chain) > hops:
                raise FetchError(f"more than {hops} redirects from {url}")
            if robots and chain and not self.allowed(current):
                raise RobotsDisallowed(f"robots.txt disallows {current} (redirected from {url})")
            chain.append(current)
            self._wait_for_host(current)
            try:
                with self.client.stream("GET", current, headers=headers) as response:
                    code = response.status_code
                    if code in (301, 302, 303, 307, 308) and response.headers.get("location"):
                        current = check_url(urljoin(current, response.headers["location"]))
                        continue
                    if code == 304 and headers:
                        return self._result(url, current, chain, response, b"", "unchanged")
                    if code >= 400 or code < 200 or code >= 300:
                        raise FetchError(
                            f"HTTP {code} from {current}",
                            transient=code >= 500 or code == 429,
                            status_code=code,
                        )
                    body = self._read(response, max_bytes, deadline, current)
                    return self._result(url, current, chain, response, body, "fetched")
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out: {current}", transient=True) from exc
            except httpx.TransportError as exc:
                raise FetchError(f"cannot connect: {current} ({exc})", transient=True) from exc
            except httpx.HTTPError as exc:  # bad URL parts, decoding errors, ...
                raise FetchError(f"fetch failed: {current} ({exc})") from exc

    def _read(self, response: httpx.Response, max_bytes: int, deadline: float, url: str) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > max_bytes:
            raise FetchError(f"too large: {url} declares {int(declared):,} bytes > {max_bytes:,}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"too large: {url} sent more than {max_bytes:,} bytes")
            if self._clock() > deadline:
                raise FetchError(
                    f"timed out: {url} took longer than the fetch limit", transient=True
                )
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _result(
        url: str,
        final: str,
        chain: list[str],
        response: httpx.Response,
        body: bytes,
        status: Literal["fetched", "unchanged"],
    ) -> FetchResult:
        return FetchResult(
            url=url,
            final_url=final,
            status=status,
            status_code=response.status_code,
            content_type=response.headers.get("content-type"),
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            redirects=tuple(chain[1:]),
        )
