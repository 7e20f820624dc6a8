"""Publishers' checksum files: find the digest a cloud image must have.

Every distribution publishes one next to its images, in one of two line formats:
  - GNU coreutils (``sha256sum``): ``HASH  name`` (text mode) or ``HASH *name`` (binary mode);
    Ubuntu's SHA256SUMS, Debian's SHA512SUMS, AlmaLinux's CHECKSUM, openSUSE's .sha256;
  - BSD (``sha256sum --tag``): ``SHA256 (name) = HASH``; Fedora's CHECKSUM, Rocky's and
    CentOS Stream's per-image files.
Either may be wrapped in a PGP clear-signed envelope (Fedora, openSUSE) and carry ``#``
comments (Fedora and Rocky write ``# name: 123 bytes``). The signature is NOT verified here:
the file comes over HTTPS from the publisher's own host; checking it would need each
publisher's key, which Quantix does not ship.

Only SHA-256 and SHA-512 are accepted: MD5 and SHA-1 no longer protect against a mirror that
serves a crafted file. Debian publishes SHA-512 only, so both are read; SHA-256 is preferred
when a file has both. Bounded: a file over ``CHECKSUM_FILE_MAX_BYTES`` or
``CHECKSUM_FILE_MAX_LINES`` is refused before it is read line by line. Qt-free and I/O-free:
the node fetches the file, this reads it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

from domain.limits import has_control_characters, quoted, shortened

# The largest checksum file read. Ubuntu's SHA256SUMS for a release directory is ~2 KB, Fedora's
# CHECKSUM ~1 KB; a mirror's whole-tree SHA256SUMS can reach a few hundred KB. 1 MiB holds any
# real one and keeps a hostile server from making the node read a gigabyte into memory.
CHECKSUM_FILE_MAX_BYTES = 1 << 20
# Lines read: a 1 MiB file of 80-character lines has ~13,000; 100,000 refuses a file of tiny
# lines that would make the line loop the expensive part.
CHECKSUM_FILE_MAX_LINES = 100_000
# A URL shown in a message: long enough to recognise the host and the file, short enough that
# a failure with two URLs fits a task's message (512 characters).
URL_SHOWN_MAX = 120


class ChecksumFileError(ValueError):
    """The checksum file cannot give a digest for the file; ``str()`` says which file, where,
    and why (shown to the user as the download's error)."""


class NoLineForFile(ChecksumFileError):
    """The checksum file is readable but does not list the file (under any name tried)."""


class DigestAlgorithm(enum.Enum):
    SHA256 = "sha256"
    SHA512 = "sha512"

    @property
    def hex_length(self) -> int:
        return 64 if self is DigestAlgorithm.SHA256 else 128

    @property
    def label(self) -> str:
        return "SHA-256" if self is DigestAlgorithm.SHA256 else "SHA-512"


@dataclass(frozen=True)
class PublishedDigest:
    algorithm: DigestAlgorithm
    hex: str  # lower case
    source: str  # "SHA256SUMS at https://…": where it was read, for a mismatch's message


# Algorithms by the BSD tag or by the length of a GNU line's hash. Weak ones are recognised so
# that a file offering only them gets an error saying so, not "no line for".
_BSD_TAGS: dict[str, DigestAlgorithm | None] = {
    "SHA256": DigestAlgorithm.SHA256,
    "SHA512": DigestAlgorithm.SHA512,
    "SHA384": None,
    "SHA224": None,
    "SHA1": None,
    "MD5": None,
}
_GNU_LENGTHS: dict[int, str] = {64: "SHA256", 128: "SHA512", 32: "MD5", 40: "SHA1", 96: "SHA384"}
# "HASH  name" / "HASH *name" (a leading backslash marks a name with escapes, coreutils 8.x+).
_GNU_RE = re.compile(r"(\\?)([0-9A-Fa-f]+) [ *](.+)")
# "SHA256 (name) = HASH"; the name may itself contain parentheses, so match to the last ") = ".
_BSD_RE = re.compile(r"(\\?)([A-Z0-9-]+) \((.+)\) ?= ?([0-9A-Fa-f]+)")
_PGP_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_PGP_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"


@dataclass(frozen=True)
class _Line:
    name: str
    tag: str  # "SHA256", "MD5": as BSD lines name it (GNU lines: by the hash's length)
    algorithm: DigestAlgorithm | None  # None: a weak digest, or a malformed line
    hex: str
    problem: str = ""  # why a line naming the file cannot be used


def url_for_message(url: str) -> str:
    """A URL as errors show it: credentials ('user:password@') removed, and the middle cut when
    it is long (host and file name stay readable)."""
    try:
        parts = urlsplit(url)
        if parts.username is not None or parts.password is not None:
            host = parts.hostname or ""
            netloc = f"[{host}]" if ":" in host else host
            if parts.port is not None:
                netloc += f":{parts.port}"
            url = urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return quoted(url)
    if len(url) <= URL_SHOWN_MAX:
        return url
    half = (URL_SHOWN_MAX - 1) // 2
    return url[:half] + "…" + url[-half:]


def shown_name(name: str, limit: int = 100) -> str:
    """A file name as messages show it: as it is when it is plain text, quoted when it holds
    control characters (a '%0A' in a URL decodes to a line break)."""
    return quoted(name, limit) if has_control_characters(name) else shortened(name, limit)


def file_name_of(url: str) -> str:
    """The last path segment of a URL, percent-decoded: the name a checksum file lists."""
    path = urlsplit(url).path
    return unquote(path.rsplit("/", 1)[-1])


def checksum_source(url: str) -> str:
    """'SHA256SUMS at https://…': how a checksum file is named in messages."""
    name = file_name_of(url) or "the checksum file"
    return f"{shown_name(name, 60)} at {url_for_message(url)}"


def find_digest(content: bytes, file_name: str, checksum_url: str) -> PublishedDigest:
    """The SHA-256 (or, failing that, SHA-512) the checksum file at ``checksum_url`` gives for
    ``file_name``; raises ChecksumFileError saying what is wrong."""
    return find_digest_for_any(content, (file_name,), checksum_url)


def find_digest_for_any(
    content: bytes, file_names: tuple[str, ...], checksum_url: str
) -> PublishedDigest:
    """``find_digest`` for the first of ``file_names`` the file lists (an image URL that
    redirects to a dated file may be listed under either name)."""
    source = checksum_source(checksum_url)
    lines = _read_lines(content, source)
    for file_name in file_names:
        matching = [line for line in lines if _names_match(line.name, file_name)]
        if matching:
            return _pick(matching, file_name, source)
    wanted = " or ".join(shown_name(name) for name in dict.fromkeys(file_names))
    raise NoLineForFile(f"{source} has no line for {wanted}")


def _read_lines(content: bytes, source: str) -> list[_Line]:
    if len(content) > CHECKSUM_FILE_MAX_BYTES:
        raise ChecksumFileError(
            f"{source} is too large to be a checksum file "
            f"({len(content):,} bytes; at most {CHECKSUM_FILE_MAX_BYTES:,} are read)"
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise ChecksumFileError(f"{source} is not a text file (not UTF-8)") from None
    raw_lines = text.splitlines()
    if len(raw_lines) > CHECKSUM_FILE_MAX_LINES:
        raise ChecksumFileError(
            f"{source} has {len(raw_lines):,} lines; at most {CHECKSUM_FILE_MAX_LINES:,} are read"
        )
    parsed = [line for line in map(_parse_line, _signed_body(raw_lines)) if line is not None]
    if not parsed:
        raise ChecksumFileError(
            f"{source} is not a checksum file: no line reads 'HASH  name' or 'SHA256 (name) = HASH'"
        )
    return parsed


def _signed_body(lines: list[str]) -> list[str]:
    """The lines a PGP clear-signed envelope wraps (RFC 4880 7: armor headers up to the first
    blank line, dash-escaped lines, the signature after); other files as they are."""
    first = next((line.strip() for line in lines if line.strip()), "")
    if first != _PGP_BEGIN:
        return lines
    start = next(i for i, line in enumerate(lines) if line.strip() == _PGP_BEGIN) + 1
    while start < len(lines) and lines[start].strip():
        start += 1  # "Hash: SHA256" and other armor headers
    body: list[str] = []
    for line in lines[start:]:
        if line.strip() == _PGP_SIGNATURE:
            break
        body.append(line[2:] if line.startswith("- ") else line)
    return body


def _parse_line(raw: str) -> _Line | None:
    line = raw.strip()
    if not line or line.startswith("#"):
        return None
    bsd = _BSD_RE.fullmatch(line)
    if bsd is not None:
        escaped, tag, name, digest = bsd.groups()
        if tag not in _BSD_TAGS:
            return None
        name = _unescape(name) if escaped else name
        algorithm = _BSD_TAGS[tag]
        if algorithm is not None and len(digest) != algorithm.hex_length:
            problem = f"its {tag} line has {len(digest)} hex digits, not {algorithm.hex_length}"
            return _Line(name, tag, None, "", problem)
        return _Line(name, tag, algorithm, digest.lower())
    gnu = _GNU_RE.fullmatch(line)
    if gnu is not None:
        escaped, digest, name = gnu.groups()
        if len(digest) not in _GNU_LENGTHS:
            return None
        tag = _GNU_LENGTHS[len(digest)]
        return _Line(_unescape(name) if escaped else name, tag, _BSD_TAGS[tag], digest.lower())
    return None


def _unescape(name: str) -> str:
    """coreutils escapes '\\\\' and '\\n' in names and marks the line with a leading '\\'."""
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), name)


def _names_match(listed: str, file_name: str) -> bool:
    """A listed name matches the file itself or a path ending in it ('./x', 'images/x')."""
    return listed == file_name or listed.rsplit("/", 1)[-1] == file_name


def _pick(matching: list[_Line], file_name: str, source: str) -> PublishedDigest:
    shown = shown_name(file_name)
    for algorithm in (DigestAlgorithm.SHA256, DigestAlgorithm.SHA512):
        digests = {line.hex for line in matching if line.algorithm is algorithm}
        if len(digests) > 1:
            raise ChecksumFileError(
                f"{source} lists {len(digests)} different {algorithm.label} values for {shown}"
            )
        if digests:
            return PublishedDigest(algorithm, digests.pop(), source)
    problems = [line.problem for line in matching if line.problem]
    if problems:
        raise ChecksumFileError(f"{source} has no usable line for {shown}: {problems[0]}")
    weak = ", ".join(sorted({line.tag for line in matching}))
    raise ChecksumFileError(
        f"{source} gives only {weak} for {shown}: Quantix checks SHA-256 or SHA-512 "
        "(weaker digests do not prove the file is the publisher's)"
    )


# --- a hole's bytes in a digest ------------------------------------------------------------------

# Zeros are fed to a digest in pieces of this size from one shared buffer: a hole of any length
# costs no memory beyond it (hashing runs at ~2 GB/s here: a GiB of hole is ~0.5 s).
_ZERO_PIECE = 1 << 20
_ZEROS = bytes(_ZERO_PIECE)


class _Updatable(Protocol):
    def update(self, data: bytes, /) -> None: ...


def hash_zeros(hasher: _Updatable, length: int) -> None:
    """Feed ``length`` zero bytes (a hole of a sparse image) to ``hasher``, as if read; the
    sender and the node both do, so a digest covers every byte. Blocking: a worker thread's."""
    whole, rest = divmod(length, _ZERO_PIECE)
    for _ in range(whole):
        hasher.update(_ZEROS)
    if rest:
        hasher.update(_ZEROS[:rest])
