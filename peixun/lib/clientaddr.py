"""The client's address — and whether a request's proxy may say it came over HTTPS — behind trusted
reverse proxies (no Django).

X-Forwarded-For is written by whoever sent the request, so it is believed only as far as trusted
proxies vouch for it: when the peer (REMOTE_ADDR) is a trusted proxy, the header is read from the
right — each entry was appended by the hop before it — and the first address that is not itself a
trusted proxy is the client. From any other peer the header is ignored and the peer is the client.

Trusted proxies are IP addresses or networks (CIDR: `10.0.0.0/8`, `fd00::/8`) and the word `unix`,
which trusts a peer on a Unix socket (nginx in front of gunicorn's socket: REMOTE_ADDR is empty,
and only processes on the machine can connect).
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

UNIX_SOCKET = "unix"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[Network, ...] = ()
    unix_socket: bool = False

    def __bool__(self) -> bool:
        return bool(self.networks) or self.unix_socket

    def trusts(self, address: Address) -> bool:
        return any(address in network for network in self.networks)


def parse_trusted(values: Iterable[str]) -> TrustedProxies:
    """TrustedProxies from addresses, networks and `unix`; ValueError naming a bad entry."""
    networks: list[Network] = []
    unix_socket = False
    for value in values:
        text = value.strip()
        if not text:
            continue
        if text.lower() == UNIX_SOCKET:
            unix_socket = True
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"not an IP address, network or 'unix': {text!r}") from None
    return TrustedProxies(tuple(networks), unix_socket)


@lru_cache(maxsize=8)
def trusted_from(values: tuple[str, ...]) -> TrustedProxies:
    """parse_trusted, remembered for the few configurations a process sees."""
    return parse_trusted(values)


def parse_address(text: str) -> Address | None:
    """An IP address, an IPv4-mapped IPv6 address as its IPv4 one; None if it is not one."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def peer_trusted(remote: str | None, trusted: TrustedProxies) -> bool:
    """Whether the peer (`remote`, REMOTE_ADDR) is a trusted proxy: its address in `trusted`, or an
    empty address (a Unix socket) when `unix` is trusted. Only such a peer's X-Forwarded-* headers
    are believed."""
    peer = parse_address(remote or "")
    if peer is None:
        return trusted.unix_socket and not (remote or "").strip()
    return trusted.trusts(peer)


def client_address(remote: str | None, forwarded: str | None, trusted: TrustedProxies) -> str | None:
    """The client's address from the peer's address (`remote`, REMOTE_ADDR) and X-Forwarded-For
    (`forwarded`), believing the header only behind `trusted` proxies (see the module docstring).
    An unreadable entry ends the walk at the hop that wrote it."""
    peer = parse_address(remote or "")
    if peer is None:
        if not (trusted.unix_socket and not (remote or "").strip()):
            return None
    elif not trusted.trusts(peer):
        return str(peer)
    client = peer
    for entry in reversed([part for part in (forwarded or "").split(",") if part.strip()]):
        hop = parse_address(entry)
        if hop is None:
            break
        client = hop
        if not trusted.trusts(hop):
            break
    return str(client) if client is not None else None
