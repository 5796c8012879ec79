"""The client's address: X-Forwarded-For believed only behind trusted proxies."""

import pytest

from peixun.lib.clientaddr import client_address, parse_trusted, peer_trusted

NONE = parse_trusted([])
NGINX_SOCKET = parse_trusted(["unix"])
LOCAL_AND_BALANCERS = parse_trusted(["127.0.0.1", "10.0.0.0/24", "fd00::/8"])


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says():
    assert client_address("198.51.100.7", "6.6.6.6", NONE) == "198.51.100.7"
    assert client_address("", "6.6.6.6", NONE) is None


def test_an_untrusted_peer_cannot_forge_its_address():
    assert client_address("198.51.100.7", "127.0.0.1, 10.0.0.1", LOCAL_AND_BALANCERS) == "198.51.100.7"


def test_behind_nginx_on_a_unix_socket_the_right_most_entry_is_the_client():
    assert client_address("", "6.6.6.6, 203.0.113.9", NGINX_SOCKET) == "203.0.113.9"
    assert client_address("", "", NGINX_SOCKET) is None


def test_trusted_hops_are_walked_from_the_right():
    forwarded = "6.6.6.6, 203.0.113.9, 10.0.0.7"
    assert client_address("127.0.0.1", forwarded, LOCAL_AND_BALANCERS) == "203.0.113.9"
    assert client_address("127.0.0.1", "10.0.0.7, 10.0.0.8", LOCAL_AND_BALANCERS) == "10.0.0.7"
    assert client_address("127.0.0.1", "", LOCAL_AND_BALANCERS) == "127.0.0.1"


def test_an_unreadable_entry_stops_the_walk_at_the_hop_that_wrote_it():
    assert client_address("127.0.0.1", "6.6.6.6, not-an-address", LOCAL_AND_BALANCERS) == "127.0.0.1"
    assert client_address("127.0.0.1", "203.0.113.9:4711", LOCAL_AND_BALANCERS) == "127.0.0.1"


def test_ipv6_and_ipv4_mapped_addresses():
    assert client_address("::ffff:198.51.100.7", "", NONE) == "198.51.100.7"
    assert client_address("fd00::1", "2001:db8::5", LOCAL_AND_BALANCERS) == "2001:db8::5"


def test_a_bad_trusted_entry_is_refused_by_name():
    with pytest.raises(ValueError, match=r"10\.0\.0\.300"):
        parse_trusted(["127.0.0.1", "10.0.0.300"])


@pytest.mark.parametrize(
    ("remote", "trusted", "expected"),
    [
        ("10.1.2.3", ["10.0.0.0/8"], True),
        ("203.0.113.7", ["10.0.0.0/8"], False),
        ("::ffff:10.1.2.3", ["10.0.0.0/8"], True),
        ("", ["unix"], True),
        ("", ["10.0.0.0/8"], False),
        ("not an address", ["unix"], False),
        ("10.1.2.3", [], False),
        (None, [], False),
    ],
)
def test_only_a_trusted_peer_is_trusted_to_say_how_the_request_came(remote, trusted, expected):
    assert peer_trusted(remote, parse_trusted(trusted)) is expected
