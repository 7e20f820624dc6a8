"""What a disk image must be before it becomes READY: the facts ``qemu-img info`` reports and
the rule applied to them, worded for the user who downloaded or uploaded the file.

Refused: a format other than qcow2 or raw (a VMDK or VHD needs converting first), a format
other than the one expected (a catalog image that comes back "raw" is usually an HTML error
page, since qemu-img calls anything it does not recognise raw), a backing file or an external
data file (either makes the guest read a file on the host that the image names: a crafted
image could name /etc/shadow), encryption (the guest could not start without its secret), a
qcow2 marked corrupt, and a virtual disk of 0 bytes or larger than images may be.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.images import IMAGE_SIZE_MAX
from domain.limits import quoted
from domain.units import format_bytes

# A path quoted in a refusal: enough to recognise it, bounded (it comes from the image itself).
PATH_SHOWN_MAX = 100

DISK_FORMATS = ("qcow2", "raw")


class DiskImageRefused(ValueError):
    """The image cannot be used as it is; ``str()`` says why, for the user."""


@dataclass(frozen=True)
class DiskImageInfo:
    """``qemu-img info``'s facts about one file."""

    format: str  # "qcow2", "raw", "vmdk", ...
    virtual_size: int  # bytes the guest sees
    actual_size: int  # bytes allocated on the host (less than the file's size when sparse)
    backing_file: str = ""
    data_file: str = ""  # qcow2's external data file
    encrypted: bool = False
    corrupt: bool = False


def check_disk_image(
    info: DiskImageInfo, expected_format: str | None, *, what: str = "the file"
) -> None:
    """Raise DiskImageRefused when ``info`` is not a self-contained qcow2 or raw disk (of
    ``expected_format`` when given). ``what`` names the file in the message ("the downloaded
    file")."""
    if info.format not in DISK_FORMATS:
        raise DiskImageRefused(f"{what} is a {info.format} image, not qcow2 or raw")
    if expected_format is not None and info.format != expected_format:
        hint = " (a web page or an unknown format reads as raw)" if info.format == "raw" else ""
        raise DiskImageRefused(
            f"{what} is a {info.format} image, but {expected_format} was expected{hint}"
        )
    if info.backing_file:
        backing = quoted(info.backing_file, PATH_SHOWN_MAX)
        raise DiskImageRefused(
            f"{what} is backed by another file ({backing}): only self-contained images are accepted"
        )
    if info.data_file:
        data_file = quoted(info.data_file, PATH_SHOWN_MAX)
        raise DiskImageRefused(
            f"{what} keeps its data in another file ({data_file}): only self-contained images "
            "are accepted"
        )
    if info.encrypted:
        raise DiskImageRefused(f"{what} is encrypted: a guest could not start from it")
    if info.corrupt:
        raise DiskImageRefused(f"{what} is marked corrupt by qemu-img")
    if info.virtual_size <= 0:
        raise DiskImageRefused(f"{what} holds a disk of 0 bytes")
    if info.virtual_size > IMAGE_SIZE_MAX:
        raise DiskImageRefused(
            f"{what} holds a disk of {format_bytes(info.virtual_size)}: at most "
            f"{format_bytes(IMAGE_SIZE_MAX)} is accepted"
        )
