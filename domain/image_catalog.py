"""The built-in catalog of well-known cloud images: the publisher's own URL of each generic
amd64 cloud image and of the checksum file published next to it.

Each URL is the publisher's "current"/"latest" name where there is one (Ubuntu, Debian, Rocky,
AlmaLinux, CentOS Stream, openSUSE), so an entry stays valid across point releases; Fedora has
none, so its entry names a release and its compose and is updated with each Fedora release.
Checked against the publishers' layouts in October 2026. Any other URL can be downloaded too:
the catalog only saves typing and finds the checksum file.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import quoted, too_long


@dataclass(frozen=True)
class CatalogImage:
    id: str  # stable: quantixctl and saved dialogs refer to it ("ubuntu-24.04")
    label: str  # what a menu shows
    os: str  # the distribution, for grouping and icons
    url: str  # the generic cloud image, amd64
    checksum_url: str  # the publisher's checksum file listing it
    format: str  # "qcow2" or "raw": what qemu-img must find after the download

    @property
    def default_name(self) -> str:
        """The volume name a dialog proposes ('ubuntu-24.04.qcow2')."""
        return f"{self.id}.{self.format}"


_UBUNTU = "https://cloud-images.ubuntu.com"
_DEBIAN = "https://cloud.debian.org/images/cloud"
_FEDORA = "https://download.fedoraproject.org/pub/fedora/linux/releases"
_ROCKY = "https://dl.rockylinux.org/pub/rocky"
_ALMA = "https://repo.almalinux.org/almalinux"
_CENTOS = "https://cloud.centos.org/centos"
_OPENSUSE = "https://download.opensuse.org/distribution/leap"


def _ubuntu(version: str, codename: str) -> CatalogImage:
    # ".img" is Ubuntu's name for a qcow2 image; SHA256SUMS lists every file of the build.
    return CatalogImage(
        f"ubuntu-{version}",
        f"Ubuntu {version} LTS ({codename.capitalize()})",
        "ubuntu",
        f"{_UBUNTU}/{codename}/current/{codename}-server-cloudimg-amd64.img",
        f"{_UBUNTU}/{codename}/current/SHA256SUMS",
        "qcow2",
    )


def _debian(version: str, codename: str) -> CatalogImage:
    # "generic", not "genericcloud": the latter's cloud kernel has no CD-ROM driver, and a
    # libvirt guest usually gets its cloud-init seed on a CD-ROM. Debian publishes SHA-512 only.
    return CatalogImage(
        f"debian-{version}",
        f"Debian {version} ({codename.capitalize()})",
        "debian",
        f"{_DEBIAN}/{codename}/latest/debian-{version}-generic-amd64.qcow2",
        f"{_DEBIAN}/{codename}/latest/SHA512SUMS",
        "qcow2",
    )


def _fedora(release: str, compose: str) -> CatalogImage:
    # download.fedoraproject.org redirects to a mirror near the node; the CHECKSUM is signed.
    images = f"{_FEDORA}/{release}/Cloud/x86_64/images"
    return CatalogImage(
        f"fedora-{release}",
        f"Fedora {release} Cloud Base",
        "fedora",
        f"{images}/Fedora-Cloud-Base-Generic-{release}-{compose}.x86_64.qcow2",
        f"{images}/Fedora-Cloud-{release}-{compose}-x86_64-CHECKSUM",
        "qcow2",
    )


def _rocky(major: str) -> CatalogImage:
    image = f"{_ROCKY}/{major}/images/x86_64/Rocky-{major}-GenericCloud-Base.latest.x86_64.qcow2"
    return CatalogImage(
        f"rocky-{major}",
        f"Rocky Linux {major}",
        "rocky",
        image,
        f"{image}.CHECKSUM",  # lists the image under its 'latest' name
        "qcow2",
    )


def _alma(major: str) -> CatalogImage:
    images = f"{_ALMA}/{major}/cloud/x86_64/images"
    return CatalogImage(
        f"almalinux-{major}",
        f"AlmaLinux {major}",
        "almalinux",
        f"{images}/AlmaLinux-{major}-GenericCloud-latest.x86_64.qcow2",
        f"{images}/CHECKSUM",
        "qcow2",
    )


def _centos(major: str) -> CatalogImage:
    image = (
        f"{_CENTOS}/{major}-stream/x86_64/images/CentOS-Stream-GenericCloud-{major}-latest"
        ".x86_64.qcow2"
    )
    return CatalogImage(
        f"centos-stream-{major}",
        f"CentOS Stream {major}",
        "centos",
        image,
        f"{image}.SHA256SUM",
        "qcow2",
    )


def _opensuse_leap(version: str) -> CatalogImage:
    image = f"{_OPENSUSE}/{version}/appliances/Leap-{version}-Minimal-VM.x86_64-Cloud.qcow2"
    return CatalogImage(
        f"opensuse-leap-{version}",
        f"openSUSE Leap {version}",
        "opensuse",
        image,
        f"{image}.sha256",
        "qcow2",
    )


CATALOG: tuple[CatalogImage, ...] = (
    _ubuntu("24.04", "noble"),
    _ubuntu("22.04", "jammy"),
    _debian("13", "trixie"),
    _debian("12", "bookworm"),
    _fedora("44", "1.7"),
    _rocky("10"),
    _rocky("9"),
    _alma("10"),
    _alma("9"),
    _centos("10"),
    _centos("9"),
    _opensuse_leap("16.0"),
)

_BY_ID = {image.id: image for image in CATALOG}
# Catalog ids are short ("centos-stream-10"); anything longer is refused before a lookup.
CATALOG_ID_MAX = 64


def catalog_entry(image_id: str, field: str = "catalog_id") -> CatalogImage:
    """The catalog's image of this id, or a ValidationError naming ``field`` and the ids there
    are."""
    if not image_id:
        raise ValidationError(field, "is required")
    if len(image_id) > CATALOG_ID_MAX:
        raise too_long(field, CATALOG_ID_MAX, image_id)
    image = _BY_ID.get(image_id)
    if image is None:
        raise ValidationError(
            field,
            f"is not an image of the built-in catalog (got {quoted(image_id)}; "
            f"known: {', '.join(_BY_ID)})",
        )
    return image
