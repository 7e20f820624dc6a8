"""The join-string and join-token rules that quantixctl, the console, the coordinator and
``quantix-node --join`` share."""

from __future__ import annotations

import pytest

from coordinator.join_tokens import JoinTokens, TokenRefused
from coordinator.secret_box import SecretBox
from coordinator.store import SQLiteStore
from domain.errors import ValidationError
from domain.join import (
    JoinString,
    JoinToken,
    describe_ttl,
    join_command,
    new_token,
    parse_join_string,
    parse_token,
    parse_ttl,
)

FINGERPRINT = "sha256:" + "ab" * 32
JOIN = JoinString("10.0.0.5:7443", 7444, JoinToken("abc123", "s3cr3ts3cr3ts3cr"), FINGERPRINT)


def test_a_join_string_reads_back_as_printed_and_names_the_enrolment_address():
    text = str(JOIN)
    assert text == f"quantix-join-1,10.0.0.5:7443,7444,abc123.s3cr3ts3cr3ts3cr,{FINGERPRINT}"
    assert parse_join_string(text) == JOIN
    assert parse_join_string(f"  {text}\t") == JOIN  # pasted with blanks
    assert JOIN.enrolment_address == "10.0.0.5:7444"
    v6 = JoinString("[fd00::5]:7443", 7444, JOIN.token, FINGERPRINT)
    assert parse_join_string(str(v6)).enrolment_address == "[fd00::5]:7444"


@pytest.mark.parametrize(
    ("text", "field", "rule"),
    [
        (str(JOIN) + "\n", "--join (CA fingerprint)", "must be 'sha256:'"),
        (str(JOIN).replace(",7444,", ",٧٤٤٤,"), "--join (enrolment port)", "must be a port"),
        (str(JOIN).replace(",7444,", ",70000,"), "--join (enrolment port)", "must be a port"),
        (str(JOIN).replace("abc123.", "ABC123."), "--join (token)", "must be a join token"),
        (str(JOIN).replace("10.0.0.5:7443", "10.0.0.5"), "--join (coordinator address)", ""),
        ("quantix-join-2" + str(JOIN)[14:], "--join", "is not a join string"),
        (str(JOIN) + "," * 5000, "--join", "is not a join string (longer than"),
    ],
)
def test_a_bad_join_string_names_the_part_and_never_quotes_the_secret(text, field, rule):
    with pytest.raises(ValidationError) as caught:
        parse_join_string(text)
    assert caught.value.field == field
    assert caught.value.rule.startswith(rule)
    assert "s3cr3t" not in str(caught.value)


def test_tokens_are_fresh_and_their_secret_is_never_quoted():
    drawn = {str(new_token()) for _ in range(200)}
    assert len(drawn) == 200
    assert all(parse_token(token) for token in drawn)
    with pytest.raises(ValidationError) as caught:
        parse_token("abc123.S3CR3TS3CR3TS3CR")
    assert "S3CR3T" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "seconds"), [("1m", 60), ("90m", 5400), ("1h", 3600), ("7d", 604800), (" 2h ", 7200)]
)
def test_ttl_accepts_a_number_and_a_unit(text, seconds):
    assert parse_ttl(text) == seconds


@pytest.mark.parametrize("text", ["59s", "8d", "0h", "1h\n", "1 h", "²h", "-1h", "1.5h", ""])
def test_ttl_refuses_anything_else_naming_the_flag(text):
    with pytest.raises(ValidationError) as caught:
        parse_ttl(text)
    assert caught.value.field == "--ttl"


def test_ttl_and_the_command_read_as_an_admin_expects():
    assert [describe_ttl(s) for s in (60, 5400, 3600, 604800, 90)] == [
        "1 minute",
        "90 minutes",
        "1 hour",
        "7 days",
        "90 seconds",
    ]
    assert join_command(JOIN) == (
        f"QUANTIX_JOIN={JOIN} quantix-node --libvirt-uri qemu:///system --listen 0.0.0.0:7445 "
        '--advertise "$(hostname -f):7445"'
    )


def test_a_token_expires_at_its_time_and_says_so(tmp_path):
    now = [1_800_000_000.0]
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    tokens = JoinTokens(store, clock=lambda: now[0])
    row, token = tokens.create(600, "alice")
    assert tokens.check(token) is row
    now[0] += 600
    with pytest.raises(TokenRefused) as caught:
        tokens.check(token)
    assert str(caught.value) == f"join token {token.id} expired at 2027-01-15 08:10:00 UTC"
    # Stored, never with the secret: a restarted coordinator knows it, and it is still expired.
    again = JoinTokens(
        SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key())), clock=lambda: now[0]
    )
    assert again.list()[0].id == token.id
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("db.sqlite*"))
    assert token.id.encode() in stored and token.secret.encode() not in stored
