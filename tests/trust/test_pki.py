"""The coordinator's PKI as an admin makes it with quantixctl: files, modes, what each
certificate says, and refusals that change nothing."""

from __future__ import annotations

import datetime
import json
import stat
import subprocess
import sys
from pathlib import Path

from cryptography import x509

from trust import pki
from trust.config import CA_VALIDITY, CERT_VALIDITY
from trust.files import PkiPaths


def quantixctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clients.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def init(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return quantixctl("pki", "init", "--data-dir", str(data_dir), *extra)


def test_init_makes_a_ca_and_the_coordinators_certificate_with_private_keys_0600(tmp_path):
    data = tmp_path / "coordinator"
    result = init(data, "--name", "coord.lab", "--address", "192.0.2.10", "--address", "::1")
    assert result.returncode == 0, result.stderr
    paths = PkiPaths.of(data)
    assert (mode(paths.ca_key), mode(paths.server_key)) == (0o600, 0o600)
    assert (mode(paths.ca_cert), mode(paths.server_cert)) == (0o644, 0o644)
    ca = pki.load_cert(paths.ca_cert.read_bytes())
    server = pki.load_cert(paths.server_cert.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    pki.verify_issued_by(server, ca)
    assert pki.server_names(server) == (["coord.lab"], ["192.0.2.10", "::1"])
    # Lifetimes as documented in trust.config: the CA ten years, the others one.
    assert ca.not_valid_after_utc - ca.not_valid_before_utc == CA_VALIDITY
    assert server.not_valid_after_utc - server.not_valid_before_utc == CERT_VALIDITY
    assert f"fingerprint {pki.fingerprint(ca)}" in result.stdout
    assert len(pki.fingerprint(ca)) == len("sha256:") + 64


def test_a_second_init_is_refused_and_changes_nothing(tmp_path):
    data = tmp_path / "coordinator"
    assert init(data, "--name", "coord.lab").returncode == 0
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    again = init(data, "--name", "coord.lab")
    assert again.returncode == 1
    assert again.stderr.startswith("quantixctl: ") and "already holds a CA" in again.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_rotate_renews_the_coordinator_key_and_certificate_under_the_same_ca(tmp_path):
    data = tmp_path / "coordinator"
    assert init(data, "--name", "coord.lab", "--address", "127.0.0.1").returncode == 0
    paths = PkiPaths.of(data)
    old_cert, old_key, ca_bytes = (
        paths.server_cert.read_bytes(),
        paths.server_key.read_bytes(),
        paths.ca_cert.read_bytes(),
    )
    result = quantixctl("pki", "rotate", "--data-dir", str(data), "--json")
    assert result.returncode == 0, result.stderr
    rotated = json.loads(result.stdout)["coordinator"]
    assert (rotated["names"], rotated["addresses"]) == (["coord.lab"], ["127.0.0.1"])
    assert paths.server_cert.read_bytes() != old_cert
    assert paths.server_key.read_bytes() != old_key
    assert paths.ca_cert.read_bytes() == ca_bytes  # nodes keep trusting the coordinator
    assert mode(paths.server_key) == 0o600
    pki.verify_issued_by(pki.load_cert(paths.server_cert.read_bytes()), pki.load_cert(ca_bytes))


def test_an_admin_identity_holds_its_certificate_key_and_ca_and_carries_its_role(tmp_path):
    data = tmp_path / "coordinator"
    assert init(data, "--name", "coord.lab").returncode == 0
    out = tmp_path / "alice.pem"
    args = ("--role", "operator", "--out", str(out), "--data-dir", str(data))
    result = quantixctl("pki", "issue-admin", "alice", *args)
    assert result.returncode == 0, result.stderr
    assert mode(out) == 0o600
    text = out.read_text()
    assert text.count("BEGIN CERTIFICATE") == 2 and text.count("BEGIN PRIVATE KEY") == 1
    certificate = x509.load_pem_x509_certificates(out.read_bytes())[0]
    assert (pki.common_name(certificate), pki.role_of(certificate)) == ("alice", "operator")
    ca = pki.load_cert(PkiPaths.of(data).ca_cert.read_bytes())
    pki.verify_issued_by(certificate, ca)
    usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]


def test_bad_input_names_the_flag_and_writes_nothing(tmp_path):
    data = tmp_path / "coordinator"
    cases = [
        (("pki", "init", "--data-dir", str(data), "--address", "nas.lab"), "--address[0]: "),
        (("pki", "init", "--data-dir", str(data), "--name", "coord.lab\n"), "--name[0]: "),
        (("pki", "init", "--data-dir", str(data), "--name", "bad_name!"), "--name[0]: "),
    ]
    for args, field in cases:
        result = quantixctl(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith(f"quantixctl: {field}"), result.stderr
        assert not data.exists()
    assert init(data, "--name", "coord.lab").returncode == 0
    out = tmp_path / "x.pem"
    for name in ("bad name", "x" * 20_000, ".lead"):
        result = quantixctl(
            "pki",
            "issue-admin",
            name,
            "--role",
            "admin",
            "--out",
            str(out),
            "--data-dir",
            str(data),
        )
        assert result.returncode == 2
        assert result.stderr.startswith("quantixctl: NAME: ") and len(result.stderr) < 300
        assert not out.exists()


def test_an_identity_from_a_directory_without_a_ca_is_refused(tmp_path):
    result = quantixctl(
        "pki",
        "issue-admin",
        "bob",
        "--role",
        "viewer",
        "--out",
        str(tmp_path / "bob.pem"),
        "--data-dir",
        str(tmp_path / "empty"),
    )
    assert result.returncode == 1
    assert "no CA in" in result.stderr and "quantixctl pki init" in result.stderr


def test_certificates_start_a_little_in_the_past_for_hosts_whose_clock_lags():
    ca = pki.make_ca()
    now = datetime.datetime.now(datetime.UTC)
    assert ca.certificate.not_valid_before_utc < now - datetime.timedelta(minutes=4)
