"""The pure XML parsers of the node daemon, on libvirt XML as libvirt writes it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from domain.pool_types import POOL_TYPE_LABELS
from node_daemon.host_facts import (
    arch_from_capabilities,
    assumed_pool_types,
    format_version,
    nic_from_xml,
    pool_types_from_capabilities,
)
from node_daemon.networks import ip_cidr, network_from_xml
from node_daemon.pools import pool_facts_from_xml, pool_state
from proto.quantix.v1 import common_pb2


@pytest.mark.parametrize(
    ("packed", "text"),
    [(9000000, "9.0.0"), (7002001, "7.2.1"), (10010012, "10.10.12"), (2, "0.0.2")],
)
def test_format_version(packed: int, text: str) -> None:
    assert format_version(packed) == text


def test_arch_from_capabilities() -> None:
    xml = "<capabilities><host><cpu><arch>x86_64</arch></cpu></host></capabilities>"
    assert arch_from_capabilities(xml) == "x86_64"
    assert arch_from_capabilities("<capabilities><host/></capabilities>") == ""


def test_pool_types_from_capabilities_keeps_only_supported_ones() -> None:
    xml = """
    <storagepoolCapabilities>
      <pool type='dir' supported='yes'><volOptions/></pool>
      <pool type='rbd' supported='no'/>
      <pool type='netfs' supported='yes'><poolOptions/></pool>
      <pool type='newfangled' supported='yes'/>
    </storagepoolCapabilities>"""
    assert pool_types_from_capabilities(xml) == ["dir", "netfs", "newfangled"]


def test_assumed_pool_types_say_they_are_assumed() -> None:
    types, source = assumed_pool_types("TEST")
    assert types == list(POOL_TYPE_LABELS)
    assert source == "assumed: the TEST driver does not report storage pool capabilities"


def test_nic_from_xml_reads_mac_mtu_and_link() -> None:
    xml = """<interface type='ethernet' name='eth0'><start mode='onboot'/>
      <mtu size='9000'/><link speed='10000' state='down'/>
      <mac address='52:54:00:12:34:56'/></interface>"""
    assert nic_from_xml(xml, active=False) == common_pb2.NetworkInterface(
        name="eth0",
        mac="52:54:00:12:34:56",
        mtu=9000,
        speed_mbps=10000,
        link_state="down",
        active=False,
    )


def test_nic_from_xml_marks_missing_facts_unknown() -> None:
    xml = "<interface type='bridge' name='br0'><mac address='52:54:00:00:00:01'/></interface>"
    nic = nic_from_xml(xml, active=True)
    assert (nic.name, nic.mtu, nic.speed_mbps, nic.link_state) == ("br0", 0, -1, "")
    # <link state='up'/> without a speed: the state is known, the speed is not.
    nic = nic_from_xml("<interface name='e'><link state='up'/></interface>", active=True)
    assert (nic.speed_mbps, nic.link_state) == (-1, "up")


def _pool(pool_type: str, source: str = "", target: str = "") -> str:
    parts = [f"<pool type='{pool_type}'><name>p</name>"]
    if source:
        parts.append(f"<source>{source}</source>")
    if target:
        parts.append(f"<target><path>{target}</path></target>")
    return "".join([*parts, "</pool>"])


@pytest.mark.parametrize(
    ("pool_type", "source", "summary"),
    [
        ("dir", "", ""),
        ("netfs", "<host name='nas'/><dir path='/export'/><format type='nfs'/>", "nas:/export"),
        ("netfs", "<host name='nas'/><dir path='/x'/><format type='cifs'/>", "nas:/x"),
        ("rbd", "<host name='mon1' port='6789'/><name>rbdpool</name>", "mon1:6789/rbdpool"),
        (
            "rbd",
            "<host name='m1' port='6789'/><host name='m2'/><name>pool</name>"
            "<auth type='ceph' username='admin'><secret uuid='x'/></auth>",
            "m1:6789,m2/pool",
        ),
        (
            "iscsi",
            "<host name='portal'/><device path='iqn.2024-01.com.example:t1'/>",
            "portal:3260 iqn.2024-01.com.example:t1",
        ),
        (
            "iscsi-direct",
            "<host name='10.0.0.5' port='3261'/><device path='iqn.x:y'/>"
            "<initiator><iqn name='iqn.me'/></initiator>",
            "10.0.0.5:3261 iqn.x:y",
        ),
        ("disk", "<device path='/dev/sdb'/><format type='gpt'/>", "/dev/sdb"),
        ("fs", "<device path='/dev/sdc1'/><format type='ext4'/>", "/dev/sdc1"),
        ("logical", "<name>vg1</name><format type='lvm2'/>", "vg1"),
        ("logical", "<device path='/dev/sdd'/><device path='/dev/sde'/>", "/dev/sdd,/dev/sde"),
        ("zfs", "<name>tank</name>", "tank"),
        ("gluster", "<host name='gl'/><dir path='/'/><name>vol</name>", "gl:vol"),
        ("gluster", "<host name='gl'/><dir path='/images'/><name>vol</name>", "gl:vol/images"),
        ("scsi", "<adapter type='scsi_host' name='host0'/>", "host0"),
        (
            "scsi",
            "<adapter type='fc_host' wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'/>",
            "fc_host wwnn=20000000c9831b4b wwpn=10000000c9831b4b",
        ),
        (
            "scsi",
            "<adapter type='scsi_host'><parentaddr unique_id='1'>"
            "<address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>"
            "</parentaddr></adapter>",
            "scsi_host at PCI 0000:00:1f.2",
        ),
        ("mpath", "", ""),
        ("sheepdog", "<host name='sd' port='7000'/><name>vdi</name>", "sd:7000/vdi"),
        ("vstorage", "<name>cluster1</name>", "cluster1"),
        # A type this version does not know: passed through, summarised from what is there.
        ("newfangled", "<host name='h' port='1'/><dir path='/d'/><name>n</name>", "h:1 /d n"),
    ],
)
def test_pool_source_summary(pool_type: str, source: str, summary: str) -> None:
    facts = pool_facts_from_xml(_pool(pool_type, source, "/t"))
    assert (facts.type, facts.source, facts.target_path) == (pool_type, summary, "/t")


def test_pool_without_source_or_target() -> None:
    facts = pool_facts_from_xml("<pool type='dir'><name>p</name></pool>")
    assert (facts.type, facts.source, facts.target_path) == ("dir", "", "")


def test_broken_pool_xml_raises_parse_error() -> None:
    with pytest.raises(ET.ParseError):
        pool_facts_from_xml("<pool type='dir'>")


@pytest.mark.parametrize(
    ("libvirt_state", "state"),
    [
        (0, common_pb2.STORAGE_POOL_STATE_INACTIVE),
        (1, common_pb2.STORAGE_POOL_STATE_BUILDING),
        (2, common_pb2.STORAGE_POOL_STATE_RUNNING),
        (3, common_pb2.STORAGE_POOL_STATE_DEGRADED),
        (4, common_pb2.STORAGE_POOL_STATE_INACCESSIBLE),
        (99, common_pb2.STORAGE_POOL_STATE_UNSPECIFIED),
        (-1, common_pb2.STORAGE_POOL_STATE_UNSPECIFIED),
    ],
)
def test_pool_state_mapping(libvirt_state: int, state: int) -> None:
    assert pool_state(libvirt_state) == state


def test_network_from_xml() -> None:
    xml = """<network>
      <name>default</name><uuid>c00bbcde-bb73-4bd0-8793-b859497e496d</uuid>
      <forward mode='nat'><nat><port start='1024' end='65535'/></nat></forward>
      <bridge name='virbr0' stp='on' delay='0'/>
      <ip address='192.168.122.1' netmask='255.255.255.0'>
        <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
      </ip>
      <ip family='ipv6' address='2001:db8:ca2:2::1' prefix='64'/>
    </network>"""
    assert network_from_xml(xml) == common_pb2.HostNetwork(
        name="default",
        uuid="c00bbcde-bb73-4bd0-8793-b859497e496d",
        bridge="virbr0",
        forward_mode="nat",
        ip_cidrs=["192.168.122.1/24", "2001:db8:ca2:2::1/64"],
    )


def test_network_forward_modes() -> None:
    assert network_from_xml("<network><name>i</name></network>").forward_mode == ""
    # <forward/> without a mode is NAT, libvirt's default.
    assert network_from_xml("<network><forward/></network>").forward_mode == "nat"
    bridged = "<network><forward mode='bridge'/><bridge name='br0'/></network>"
    assert (network_from_xml(bridged).forward_mode, network_from_xml(bridged).bridge) == (
        "bridge",
        "br0",
    )


@pytest.mark.parametrize(
    ("ip", "cidr"),
    [
        ("<ip address='10.0.0.1' prefix='16'/>", "10.0.0.1/16"),
        ("<ip address='172.16.5.1' netmask='255.255.255.128'/>", "172.16.5.1/25"),
        # No prefix: libvirt's classful default for IPv4, /64 for IPv6.
        ("<ip address='10.1.2.3'/>", "10.1.2.3/8"),
        ("<ip address='172.16.0.1'/>", "172.16.0.1/16"),
        ("<ip address='192.168.1.1'/>", "192.168.1.1/24"),
        ("<ip family='ipv6' address='fd00::1'/>", "fd00::1/64"),
        ("<ip/>", ""),
    ],
)
def test_ip_cidr(ip: str, cidr: str) -> None:
    assert ip_cidr(ET.fromstring(ip)) == cidr
