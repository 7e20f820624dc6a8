"""Uploads a host cannot take are refused before any byte, with the reason, and the task
they were for is not left waiting; DeleteVolumes removes an image's volumes and refuses bad
names. Refusals run on a test-driver host (its pools of every type are enough to be refused
by); deleting real files runs on the real libvirtd."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path

import grpc
import pytest

from clients.image_upload import send_file
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import node_pb2 as npb
from tests.node.conftest import (
    NodeProcess,
    new_task_id,
    node_stubs,
    ticket_request,
    uploader_channel,
)
from tests.node.test_image_upload import MiB, random_file, volume_names


def refused_upload(
    node: NodeProcess, source: Path, pool: str, kind: int = cpb.IMAGE_KIND_ISO
) -> grpc.aio.AioRpcError:
    secret = secrets.token_urlsafe(32)

    async def run() -> grpc.aio.AioRpcError:
        async with (
            node_stubs(node) as (coordinator, _operator),
            uploader_channel(node) as operator,
        ):
            await coordinator.AddTransferTicket(
                ticket_request(new_task_id(), secret, pool, "media.iso", MiB, kind=kind)
            )
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await send_file(operator, source, secret)
            return refused.value

    return asyncio.run(run())


@pytest.fixture
def one_mib(tmp_path: Path) -> Path:
    source = tmp_path / "media.iso"
    random_file(source, MiB)
    return source


def test_an_iscsi_pool_is_refused_with_the_reason_uploads_cannot_go_there(
    pool_node, one_mib
) -> None:
    refused = refused_upload(pool_node, one_mib, "isc1")

    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.details() == (
        "upload of media.iso to pool isc1 on host-t refused: an iSCSI pool's volumes are the "
        "target's LUNs; libvirt cannot create one"
    )


def test_a_disk_pool_and_an_unknown_pool_are_refused(pool_node, one_mib) -> None:
    disk = refused_upload(pool_node, one_mib, "disk1")
    missing = refused_upload(pool_node, one_mib, "nowhere")

    assert disk.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert disk.details().endswith("refused: a disk pool holds partitions, not image files")
    assert missing.code() == grpc.StatusCode.NOT_FOUND
    assert missing.details() == (
        "upload of media.iso to pool nowhere on host-t refused: there is no pool named nowhere"
    )


def test_an_ova_into_a_pool_that_cannot_hold_qcow2_files_is_refused_before_any_byte(
    pool_node, one_mib
) -> None:
    refused = refused_upload(pool_node, one_mib, "rbd1", kind=cpb.IMAGE_KIND_OVA_TEMPLATE)

    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.details() == (
        "upload of media.iso to pool rbd1 on host-t refused: an OVA template's disks are qcow2 "
        "files, which a rbd pool cannot hold; choose a directory or NFS pool"
    )


def test_delete_volumes_removes_what_exists_and_refuses_bad_names(system_node, dir_pool) -> None:
    pool, pool_dir = dir_pool
    (pool_dir / "a.iso").write_bytes(b"a")
    (pool_dir / "b.qcow2").write_bytes(b"b")

    async def run() -> tuple[grpc.aio.AioRpcError, grpc.aio.AioRpcError]:
        async with node_stubs(system_node) as (coordinator, operator):
            await coordinator.DeleteVolumes(
                npb.DeleteVolumesRequest(pool=pool, volumes=["a.iso", "gone.iso"])
            )
            with pytest.raises(grpc.aio.AioRpcError) as bad_name:
                await coordinator.DeleteVolumes(
                    npb.DeleteVolumesRequest(pool=pool, volumes=["b.qcow2", "../b.qcow2"])
                )
            with pytest.raises(grpc.aio.AioRpcError) as not_coordinator:
                await operator.DeleteVolumes(npb.DeleteVolumesRequest(pool=pool, volumes=["b"]))
            return bad_name.value, not_coordinator.value

    bad_name, not_coordinator = asyncio.run(run())

    assert sorted(p.name for p in pool_dir.iterdir()) == ["b.qcow2"]
    assert volume_names(system_node, pool) == {"b.qcow2"}
    assert bad_name.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert bad_name.details() == (
        "volumes[1]: must not contain a path separator (got '../b.qcow2')"
    )
    assert not_coordinator.code() == grpc.StatusCode.PERMISSION_DENIED
