"""qemu-img as the import runs it: a conversion past its deadline is killed and leaves no
output, and qemu-img's own error text reaches the message."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from node_daemon import qemu_convert
from node_daemon.qemu_convert import ConvertLimits, QemuImgError, convert_to_qcow2, image_info
from tests.node.ova_builder import MIB, make_disk, qemu_img_processes


def test_a_conversion_past_its_deadline_is_killed_and_leaves_no_output(tmp_path: Path) -> None:
    disk = make_disk(tmp_path, "big", 16 * MIB, seed=7, filled=True)
    target = tmp_path / "out" / "big.qcow2"
    target.parent.mkdir()
    # 256 KiB/s holds the conversion for 64 s; the deadline is the 1 s floor, because the
    # size given is a lie of one byte (the deadline follows the size it is told).
    limits = ConvertLimits(floor_s=1.0, rate_limit_bytes_per_s=256 << 10)
    fractions: list[float] = []

    with pytest.raises(QemuImgError) as failed:
        asyncio.run(convert_to_qcow2(disk.vmdk, "vmdk", target, 1, fractions.append, limits))

    assert str(failed.value) == (
        "qemu-img did not finish converting big.vmdk within 1 s (it was stopped)"
    )
    assert not target.exists()
    assert qemu_img_processes(target.parent) == set()
    assert fractions and max(fractions) < 1.0


def test_the_deadline_grows_with_the_disk_and_never_falls_below_its_floor() -> None:
    limits = ConvertLimits(floor_s=60.0, min_rate_bytes_per_s=20 * MIB)
    assert limits.deadline_s(1 * MIB) == 60.0
    assert limits.deadline_s(100 << 30) == (100 << 30) / (20 * MIB)
    capped = ConvertLimits(floor_s=60.0, min_rate_bytes_per_s=20 * MIB, rate_limit_bytes_per_s=MIB)
    assert capped.deadline_s(1 << 30) == 1024.0  # a capped rate gets the time it needs


def test_qemu_img_errors_carry_its_own_words(tmp_path: Path) -> None:
    missing = tmp_path / "gone.vmdk"
    with pytest.raises(QemuImgError) as failed:
        asyncio.run(image_info(missing, "vmdk", 30.0))
    assert str(failed.value).startswith("qemu-img info gone.vmdk failed: qemu-img: Could not open")
    assert "No such file or directory" in str(failed.value)


def test_a_host_without_qemu_img_is_told_which_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qemu_convert, "QEMU_IMG", str(tmp_path / "no-such-qemu-img"))
    with pytest.raises(QemuImgError, match=r"is not installed on this host.*qemu-utils"):
        asyncio.run(image_info(tmp_path / "x.vmdk", "vmdk", 30.0))
