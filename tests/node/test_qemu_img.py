"""qemu-img info on real images made with the real qemu-img, and the disk rule applied to what
it reports: the images a download or upload may turn into READY, and every refusal's words."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from domain.disk_images import DiskImageRefused, check_disk_image
from node_daemon.qemu_img import QemuImgFailed, image_info

MIB = 1 << 20


def qemu_img(*args: str) -> None:
    subprocess.run(["qemu-img", *args], check=True, capture_output=True, timeout=60)


def info_of(path: Path, **options):
    return asyncio.run(image_info(path, **options))


def refusal(path: Path, expected_format: str | None = None) -> str:
    with pytest.raises(DiskImageRefused) as error:
        check_disk_image(info_of(path), expected_format, what="the downloaded file")
    return str(error.value)


def test_a_qcow2_image_is_read_and_accepted(tmp_path):
    path = tmp_path / "cloud.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", str(path), "32M")
    info = info_of(path)
    assert (info.format, info.virtual_size) == ("qcow2", 32 * MIB)
    assert 0 < info.actual_size < 32 * MIB  # a fresh qcow2 holds only its metadata
    assert not info.backing_file
    check_disk_image(info, "qcow2")
    check_disk_image(info, None)


def test_a_raw_image_is_accepted_unless_qcow2_was_expected(tmp_path):
    path = tmp_path / "disk.raw"
    qemu_img("create", "-q", "-f", "raw", str(path), "8M")
    info = info_of(path)
    assert (info.format, info.virtual_size) == ("raw", 8 * MIB)
    check_disk_image(info, "raw")
    check_disk_image(info, None)
    assert refusal(path, "qcow2") == (
        "the downloaded file is a raw image, but qcow2 was expected (a web page or an unknown "
        "format reads as raw)"
    )


def test_a_web_page_saved_as_an_image_is_refused_when_qcow2_was_expected(tmp_path):
    path = tmp_path / "noble.img"
    path.write_text("<html><body>503 Service Unavailable</body></html>\n")
    assert refusal(path, "qcow2").startswith("the downloaded file is a raw image, but qcow2")


def test_a_qcow2_with_a_backing_file_is_refused(tmp_path):
    base = tmp_path / "base.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", str(base), "16M")
    overlay = tmp_path / "overlay.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", "-b", str(base), "-F", "qcow2", str(overlay))
    assert info_of(overlay).backing_file == str(base)
    assert refusal(overlay) == (
        f"the downloaded file is backed by another file ({str(base)!r}): only self-contained "
        "images are accepted"
    )


def test_a_qcow2_with_an_external_data_file_is_refused(tmp_path):
    path = tmp_path / "split.qcow2"
    data = tmp_path / "split.data"
    qemu_img("create", "-q", "-f", "qcow2", "-o", f"data_file={data}", str(path), "16M")
    assert refusal(path) == (
        f"the downloaded file keeps its data in another file ({str(data)!r}): only self-contained "
        "images are accepted"
    )


def test_a_vmdk_is_refused_as_neither_qcow2_nor_raw(tmp_path):
    path = tmp_path / "appliance.vmdk"
    qemu_img("create", "-q", "-f", "vmdk", str(path), "16M")
    assert refusal(path, "qcow2") == "the downloaded file is a vmdk image, not qcow2 or raw"


def test_an_encrypted_qcow2_is_refused(tmp_path):
    path = tmp_path / "secret.qcow2"
    # qcow2's own AES encryption, not LUKS: creating a LUKS header benchmarks PBKDF2 and fails
    # ("Unable to get accurate CPU usage") on a busy machine. qemu-img reports both alike.
    qemu_img(
        "create", "-q", "--object", "secret,id=sec0,data=password", "-f", "qcow2",
        "-o", "encrypt.format=aes,encrypt.key-secret=sec0", str(path), "16M",
    )  # fmt: skip
    assert refusal(path) == "the downloaded file is encrypted: a guest could not start from it"


def test_a_qcow2_marked_corrupt_is_refused(tmp_path):
    path = tmp_path / "broken.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", str(path), "16M")
    with path.open("r+b") as image:
        image.seek(79)  # the last byte of the v3 header's incompatible features: bit 1 = corrupt
        image.write(b"\x02")
    assert refusal(path) == "the downloaded file is marked corrupt by qemu-img"


def test_an_empty_file_is_refused_as_a_disk_of_zero_bytes(tmp_path):
    path = tmp_path / "empty.img"
    path.touch()
    assert refusal(path) == "the downloaded file holds a disk of 0 bytes"


def test_a_missing_file_fails_with_qemu_imgs_own_error_and_the_path(tmp_path):
    path = tmp_path / "gone.qcow2"
    with pytest.raises(QemuImgFailed) as error:
        info_of(path)
    assert str(error.value).startswith(f"qemu-img info {path}: ")
    assert "No such file or directory" in str(error.value)


def test_qemu_img_that_does_not_answer_is_killed_at_the_deadline(tmp_path):
    # A FIFO with no writer: the real qemu-img blocks opening it, as on a hung NFS pool.
    path = tmp_path / "hung.img"
    os.mkfifo(path)
    with pytest.raises(QemuImgFailed) as error:
        info_of(path, timeout_s=0.5)
    assert str(error.value) == f"qemu-img info {path}: no answer within 0.5 s (killed)"
