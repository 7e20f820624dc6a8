"""quantixctl images' flags turned into requests, every one checked with domain.images' rules
before anything is sent: a broken rule is one line naming the flag (or FILE, URL, POOL/NAME)
and the rule. A file that is missing, unreadable, empty or not a regular file is refused here,
before the coordinator records an upload."""

from __future__ import annotations

import argparse
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clients.cli_images_catalog import catalog_entry
from domain.errors import ValidationError
from domain.images import (
    ImageKind,
    kind_for_file,
    name_for_file,
    validate_image_name,
    validate_sha256,
    validate_size,
    validate_url,
)
from domain.limits import PATH_MAX, quoted, too_long
from domain.pools import validate_pool_name
from domain.validation import validate_hostname
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import KIND_TO_PB

# What --kind accepts for an upload or a download (an OVA has its own command).
KIND_CHOICES = {"iso": ImageKind.ISO, "disk": ImageKind.DISK}
# What `images list --kind` filters by.
LIST_KINDS = {"iso": ImageKind.ISO, "disk": ImageKind.DISK, "ova": ImageKind.OVA_TEMPLATE}

REF = "POOL/NAME"


def image_ref(text: str, field: str = REF) -> tuple[str, str]:
    """``isos/alpine.iso`` -> ("isos", "alpine.iso"), each part checked by its rule."""
    pool, slash, name = text.partition("/")
    if not slash:
        raise ValidationError(
            field, f"must be POOL/NAME, e.g. isos/alpine.iso (got {quoted(text)})"
        )
    try:
        return validate_pool_name(pool, "pool"), validate_image_name(name, "name")
    except ValidationError as error:
        raise ValidationError(f"{field} ({error.field})", error.rule) from None


def optional_host(value: str | None) -> str:
    return validate_hostname(value, "--host") if value else ""


def derived_name(given: str | None, file_name: str) -> str:
    """``--name``, or the name domain.images makes from ``file_name``; a made name the rules
    refuse says so and asks for --name."""
    if given is not None:
        return validate_image_name(given, "--name")
    made = name_for_file(file_name)
    try:
        return validate_image_name(made, "--name")
    except ValidationError as error:
        raise ValidationError(
            "--name",
            f"is needed: the name made from {quoted(file_name)} is refused ({error.rule})",
        ) from None


@dataclass(frozen=True)
class LocalFile:
    path: Path
    size: int


def local_file(text: str, field: str = "FILE") -> LocalFile:
    """A regular file this user can read, of a size an image may have. Errors quote the
    file's own name: a long path's first characters would not say which file it was."""
    if len(text) > PATH_MAX:
        raise too_long(field, PATH_MAX, text)
    path = Path(text)
    shown = quoted(path.name or text)
    try:
        status = path.stat()
    except OSError as error:
        raise ValidationError(field, f"cannot read {shown}: {error.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        raise ValidationError(field, f"{shown} is not a regular file")
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as error:
        raise ValidationError(field, f"cannot read {shown}: {error.strerror}") from None
    return LocalFile(path, validate_size(status.st_size, field))


@dataclass(frozen=True)
class UploadPlan:
    """A checked upload: the file to send and the CreateUpload request that records it."""

    file: LocalFile
    request: pb.CreateUploadRequest


def upload_plan(args: argparse.Namespace, ova: bool) -> UploadPlan:
    """``images upload`` (``ova`` False) or ``images import-ova`` (True) from its flags."""
    pool = validate_pool_name(args.pool, "--pool")
    file = local_file(args.file)
    if ova:
        kind = ImageKind.OVA_TEMPLATE
    elif args.kind is not None:
        kind = KIND_CHOICES[args.kind]
    else:
        kind = kind_for_file(file.path.name)
        if kind is ImageKind.OVA_TEMPLATE:
            raise ValidationError(
                "FILE",
                f"{quoted(file.path.name)} is an OVA: import it with `quantixctl images "
                "import-ova` (or give --kind to store the archive as it is)",
            )
    sha256 = validate_sha256(getattr(args, "sha256", None) or "", "--sha256")
    request = pb.CreateUploadRequest(
        pool=pool,
        name=derived_name(args.name, file.path.name),
        kind=KIND_TO_PB[kind],  # type: ignore[arg-type]
        size_bytes=file.size,
        sha256=sha256,
        host=optional_host(args.host),
        source=file.path.name,
    )
    return UploadPlan(file, request)


def _url_file_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def download_request(args: argparse.Namespace) -> pb.CreateDownloadRequest:
    """``images download URL|--catalog ID`` from its flags."""
    pool = validate_pool_name(args.pool, "--pool")
    request = pb.CreateDownloadRequest(pool=pool, host=optional_host(args.host))
    if args.catalog is not None:
        if args.checksum_url is not None:
            raise ValidationError(
                "--checksum-url",
                "is not used with --catalog: the catalog entry names its publisher's checksum file",
            )
        entry = catalog_entry(args.catalog, "--catalog")
        request.catalog_id = entry.id
        file_name = _url_file_name(entry.url)
    else:
        request.url = validate_url(args.url, "URL")
        file_name = _url_file_name(request.url)
        if args.checksum_url is not None:
            request.checksum_url = validate_url(args.checksum_url, "--checksum-url")
    request.sha256 = validate_sha256(args.sha256 or "", "--sha256")
    kind = KIND_CHOICES[args.kind] if args.kind is not None else kind_for_file(file_name)
    if kind is ImageKind.OVA_TEMPLATE:
        raise ValidationError(
            "URL",
            "names an OVA: downloads take disk images and ISOs; import an OVA from a file "
            "with `quantixctl images import-ova`",
        )
    request.kind = KIND_TO_PB[kind]  # type: ignore[assignment]
    request.name = derived_name(args.name, file_name)
    return request
