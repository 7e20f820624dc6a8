import pytest

from domain.errors import ValidationError
from domain.validation import parse_address, validate_address, validate_hostname


@pytest.mark.parametrize("name", ["host-a", "h", "node01.lab.example.com", "a" * 63, "x."])
def test_valid_hostnames_pass(name):
    assert validate_hostname(name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "is required"),
        ("a" * 300, "at most 253 characters (got 300)"),
        ("-host", "not starting or ending with a hyphen"),
        ("host_a", "letters, digits or hyphens"),
        ("a" * 64, "1-63"),
        ("a..b", "1-63"),
        ("a'><x", "letters, digits or hyphens"),
    ],
)
def test_bad_hostnames_name_the_field_and_rule(name, rule):
    with pytest.raises(ValidationError) as info:
        validate_hostname(name, "hostname")
    assert info.value.field == "hostname"
    assert rule in info.value.rule
    assert str(info.value).startswith("hostname: ")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("127.0.0.1:7443", "127.0.0.1:7443"),
        (" localhost:1 ", "localhost:1"),
        ("[::1]:7443", "[::1]:7443"),
        ("node-1.lab:65535", "node-1.lab:65535"),
    ],
)
def test_addresses_are_canonicalised(text, canonical):
    assert validate_address(text) == canonical


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "is required"),
        ("127.0.0.1", "must be host:port"),
        (":7443", "must be host:port"),
        ("host:port", "must be host:port"),
        ("host:0", "port must be 1-65535"),
        ("host:70000", "port must be 1-65535"),
        ("::1:7443", "IPv6 addresses must be in brackets"),
        ("[nope]:1", "is not an IPv6 address"),
        ("bad_host:1", "letters, digits or hyphens"),
    ],
)
def test_bad_addresses_name_the_field(text, rule):
    with pytest.raises(ValidationError) as info:
        parse_address(text, "address")
    assert info.value.field == "address"
    assert rule in info.value.rule
