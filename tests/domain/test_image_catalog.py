"""The built-in cloud-image catalog: every entry is a URL the download accepts, with a checksum
file, a format the disk check accepts and a volume name the image rules accept."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from domain.checksums import file_name_of
from domain.disk_images import DISK_FORMATS
from domain.errors import ValidationError
from domain.image_catalog import CATALOG, CATALOG_ID_MAX, catalog_entry
from domain.images import validate_image_name, validate_url


@pytest.mark.parametrize("image", CATALOG, ids=[image.id for image in CATALOG])
def test_every_entry_is_a_downloadable_https_url_with_its_checksum_file(image):
    assert validate_url(image.url) == image.url
    assert validate_url(image.checksum_url, "checksum_url") == image.checksum_url
    # Publishers' own hosts over HTTPS: the checksum file is only as good as its transport.
    assert urlsplit(image.url).scheme == urlsplit(image.checksum_url).scheme == "https"
    assert urlsplit(image.url).hostname == urlsplit(image.checksum_url).hostname
    assert image.format in DISK_FORMATS
    assert file_name_of(image.url).endswith((".img", ".qcow2"))
    assert validate_image_name(image.default_name) == image.default_name
    assert image.label and image.os


def test_ids_are_unique_and_lookups_find_each_entry():
    ids = [image.id for image in CATALOG]
    assert len(ids) == len(set(ids))
    for image in CATALOG:
        assert catalog_entry(image.id) is image


def test_the_common_distributions_are_there():
    ids = {image.id for image in CATALOG}
    assert {
        "ubuntu-24.04",
        "ubuntu-22.04",
        "debian-12",
        "rocky-9",
        "almalinux-9",
        "centos-stream-9",
    } <= ids
    assert any(image.os == "fedora" for image in CATALOG)


def test_an_unknown_id_is_refused_naming_the_field_and_the_known_ids():
    with pytest.raises(ValidationError) as error:
        catalog_entry("windows-11")
    assert error.value.field == "catalog_id"
    assert "'windows-11'" in error.value.rule
    assert "ubuntu-24.04" in error.value.rule


@pytest.mark.parametrize(
    ("value", "rule"),
    [("", "is required"), ("x" * (CATALOG_ID_MAX + 1), f"must be at most {CATALOG_ID_MAX}")],
)
def test_an_empty_or_long_id_is_refused_before_any_lookup(value, rule):
    with pytest.raises(ValidationError) as error:
        catalog_entry(value, field="image")
    assert error.value.field == "image"
    assert error.value.rule.startswith(rule)
