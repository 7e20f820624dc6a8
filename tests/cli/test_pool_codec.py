from domain.pools import (
    Backend,
    CephSource,
    IscsiInitiator,
    IscsiSource,
    PoolSpec,
    validate_pool_spec,
)
from wire.pool_codec import spec_from_pb, spec_to_pb

KEY = "AQBzg1BkAAAAABAAp2d5x1bBHoOdhc2ZWUmr3g=="


def test_round_trip_keeps_every_field_and_secrets_only_when_asked():
    spec = validate_pool_spec(
        PoolSpec(
            "ceph",
            Backend.CEPH_RBD,
            CephSource(("m1", "m2:6790"), "vms", "libvirt", KEY, "ns1"),
            description="VM disks",
            hosts=("host-a", "host-b"),
        )
    )
    with_key = spec_from_pb(spec_to_pb(spec, include_secrets=True))
    assert validate_pool_spec(with_key) == spec
    public = spec_to_pb(spec, include_secrets=False)
    assert public.ceph_rbd.key == "" and public.ceph_rbd.has_key
    assert KEY not in str(public)


def test_iscsi_lun_zero_and_initiator_survive():
    spec = validate_pool_spec(
        PoolSpec(
            "san",
            Backend.ISCSI,
            IscsiSource(
                "san",
                "iqn.2024-01.lab.san:t",
                lun=0,
                initiator_iqn="iqn.2024-01.lab:i",
                initiator=IscsiInitiator.USERSPACE,
            ),
        )
    )
    back = spec_from_pb(spec_to_pb(spec, include_secrets=True))
    assert back.source.lun == 0
    assert back.source.initiator is IscsiInitiator.USERSPACE


def test_backend_without_its_settings_names_the_field():
    import pytest

    from domain.errors import ValidationError
    from proto.quantix.v1 import common_pb2 as cpb

    with pytest.raises(ValidationError) as info:
        spec_from_pb(
            cpb.PoolSpec(
                name="x", backend=cpb.POOL_BACKEND_NFS, local_dir=cpb.LocalDirSource(path="/x")
            )
        )
    assert str(info.value) == (
        "nfs: is required for a pool of backend NFS (got local_dir settings instead)"
    )
    with pytest.raises(ValidationError) as info:
        spec_from_pb(cpb.PoolSpec(name="x"))
    assert info.value.field == "backend"
