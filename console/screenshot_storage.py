"""Development aid: the Storage part of ``python -m console.screenshot`` (storage-*.png).

Pools are created on the real coordinator of the tour's local fleet, so every phase and every
message on the pictures is what the coordinator and the node daemons really produced: a pool
named like one a test host already has with other settings fails there for real (a conflict),
a paused (hung) host keeps a pool pending. Not used by the console itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QWidget

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from console.main_window import MainWindow
from console.models.pools_model import FilterTab
from console.widgets.pool_detail import TAB_HOSTS, TAB_SETTINGS, TAB_XML
from console.wizards.create_pool_wizard import CreatePoolWizard
from domain.pools import (
    Backend,
    CephSource,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    validate_pool_spec,
)
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_to_pb

if TYPE_CHECKING:
    from localfleet import LocalFleet

# Two columns of cards beside the detail: the size the Storage pictures are taken at.
WINDOW_SIZE = QSize(1440, 900)
# Long enough for a pool to be set up on every host of a slow machine.
WAIT_S = 60.0
# A well-formed cephx key for the demo pools: a made-up value, not anyone's secret.
DEMO_CEPH_KEY = "AQBzS2hmAAAAABAAb3i3V7Hh0w5cB2B9JdXa+w=="

Save = Callable[[QWidget, str], None]

# Pools the demo hosts define themselves (localfleet.testhosts.DEMO_POOLS), waited for before the
# Unmanaged picture; the selected one can be adopted (the tour's own pools took the names of
# "default", "nfs-isos" and "ceph-vms", so those cards say they cannot be).
UNMANAGED_SHOWN = ("default", "vg-fast", "san-lun", "sdb", "multipath", "tank", "hba0")
UNMANAGED_SELECTED = "san-lun"


def demo_specs() -> list[PoolSpec]:
    """Pools of every backend; two of them clash with pools the test hosts already define
    ("default" on every host, "nfs-isos" on host-a), so those hosts refuse them for real."""
    specs = [
        PoolSpec(
            "nfs-images",
            Backend.NFS,
            NfsSource("nas01.lab", "/export/images", mount_options=("soft", "timeo=50")),
            description="Golden images and ISOs for every host",
        ),
        PoolSpec(
            "ceph-vms",
            Backend.CEPH_RBD,
            CephSource(("mon1.lab", "mon2.lab", "mon3.lab:6790"), "vms", key=DEMO_CEPH_KEY),
            description="VM disks, replicated three ways",
        ),
        PoolSpec(
            "iscsi-san",
            Backend.ISCSI,
            IscsiSource(
                "san01.lab",
                "iqn.2024-01.lab.san:vms",
                chap_user="quantix",
                chap_secret="demo-chap-secret",
            ),
        ),
        PoolSpec(
            "local-scratch",
            Backend.LOCAL_DIR,
            LocalDirSource("/var/lib/quantix/pools/scratch"),
            hosts=("host-a",),
        ),
        PoolSpec("nfs-isos", Backend.NFS, NfsSource("nas02.lab", "/export/isos")),
        PoolSpec("default", Backend.NFS, NfsSource("nas02.lab", "/export/default")),
    ]
    return [validate_pool_spec(spec) for spec in specs]


async def _create(endpoint: Endpoint, specs: list[PoolSpec]) -> None:
    async with CoordinatorClient(endpoint) as client:
        for spec in specs:
            await client.create_pool(spec_to_pb(spec, include_secrets=True))


async def _until(condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + WAIT_S
    while not condition():
        if loop.time() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _settle() -> None:
    await asyncio.sleep(0.5)  # layouts, repaints, the node reads of the detail


def _phase(window: MainWindow, name: str) -> int:
    pool = window.pools_model.pool(name)
    return cpb.PHASE_UNSPECIFIED if pool is None else pool.realization.phase


async def storage_tour(window: MainWindow, fleet: LocalFleet, save: Save) -> None:
    size = window.size()
    window.resize(WINDOW_SIZE)
    try:
        await _storage_pictures(window, fleet, save)
    finally:
        window.resize(size)


async def _storage_pictures(window: MainWindow, fleet: LocalFleet, save: Save) -> None:
    page = window.storage_page
    specs = demo_specs()
    await _create(fleet.coordinator_endpoint(), specs)
    await _until(
        lambda: all(_phase(window, s.name) not in (0, cpb.PHASE_PENDING) for s in specs),
        "the demo pools to settle",
    )
    # One pool caught while a host hangs (SIGSTOP): pending, waiting for that host.
    fleet.pause_node("host-c")
    try:
        pending = validate_pool_spec(
            PoolSpec("nfs-backup", Backend.NFS, NfsSource("nas01.lab", "/export/backup"))
        )
        await _create(fleet.coordinator_endpoint(), [pending])
        await _until(
            lambda: any(
                h.phase == cpb.PHASE_READY
                for h in (window.pools_model.pool("nfs-backup") or pb.Pool()).realization.hosts
            ),
            "nfs-backup to be ready somewhere",
        )
        window.show_page(2)
        page.select_pool("nfs-images")
        await _settle()
        save(window, "storage-overview")
    finally:
        fleet.resume_node("host-c")

    page.select_pool("default")
    page.detail.tabs.setCurrentIndex(TAB_HOSTS)
    await _settle()
    save(window, "storage-detail-error")

    page.set_tab(FilterTab.DEGRADED)
    page.select_pool("nfs-isos")
    await _settle()
    save(window, "storage-filter-degraded")
    page.set_tab(FilterTab.ALL)

    page.select_pool("ceph-vms")
    await _until(lambda: page.detail.reads.read is not None, "the XML of ceph-vms")
    page.detail.tabs.setCurrentIndex(TAB_XML)
    await _settle()
    save(window, "storage-detail-xml")
    page.detail.tabs.setCurrentIndex(TAB_SETTINGS)
    await _settle()
    save(window, "storage-detail-settings")
    page.detail.tabs.setCurrentIndex(TAB_HOSTS)

    page.search_edit.setText("nfs")
    await _settle()
    save(window, "storage-search")
    page.search_edit.clear()

    await unmanaged_picture(window, save)

    page.select_pool("iscsi-san")
    dialog = page.actions.open_assign_dialog()
    if dialog is not None:
        await _settle()
        save(dialog, "storage-assign-hosts")
        dialog.reject()
    page.select_pool("nfs-images")
    delete = page.actions.open_delete_dialog()
    if delete is not None:
        await _settle()
        save(delete, "storage-delete-dialog")
        delete.reject()
    await _settle()
    await wizard_tour(page.actions.open_wizard(), save)


async def unmanaged_picture(window: MainWindow, save: Save) -> None:
    """The pools the test hosts define themselves (other tools' pools, of many libvirt types),
    in the Unmanaged tab, with one of them selected."""
    page = window.storage_page
    found = window.discovered_model
    await _until(lambda: all(found.named(name) for name in UNMANAGED_SHOWN), "the hosts' own pools")
    page.set_tab(FilterTab.UNMANAGED)
    page.select_discovered(found.named(UNMANAGED_SELECTED)[0].key)
    page.view.scrollToTop()  # the first cards whole; the selected one further down
    await _settle()
    save(window, "storage-unmanaged")
    page.set_tab(FilterTab.ALL)


async def wizard_tour(wizard: CreatePoolWizard, save: Save) -> None:
    await _settle()
    save(wizard, "storage-wizard-1-backend")
    settings = wizard.settings_page
    for backend, name, typed in (
        (
            Backend.NFS,
            "nfs",
            {"nfs.server": "nas01.lab", "nfs.export_path": "../../etc"},
        ),
        (
            Backend.CEPH_RBD,
            "ceph",
            {
                "ceph.monitors": "mon1.lab\nmon2.lab:6790",
                "ceph.pool": "vms",
                "ceph.user": "client.admin",
            },
        ),
        (
            Backend.ISCSI,
            "iscsi",
            {
                "iscsi.portal": "san01.lab",
                "iscsi.target_iqn": "iqn.2024-01.lab.san:vms",
                "iscsi.chap_user": "quantix",
            },
        ),
        (Backend.LOCAL_DIR, "local", {}),
    ):
        wizard.backend_page.set_backend(backend)
        wizard.next()
        for field, text in typed.items():
            row = settings.row_for(field)
            if row is not None:
                row.set_text(text)
                row.show_errors()
        settings.revalidate()
        await _settle()
        save(wizard, f"storage-wizard-2-{name}")
        wizard.back()
    wizard.backend_page.set_backend(Backend.CEPH_RBD)
    wizard.next()
    for field, text in (
        ("ceph.user", "admin"),
        ("ceph.monitors", "mon1.lab, mon2.lab, mon3.lab:6790"),
        ("ceph.pool", "vms-new"),
        ("ceph.key", DEMO_CEPH_KEY),
        ("description", "Second Ceph pool for the lab"),
    ):
        row = settings.row_for(field)
        if row is not None:
            row.set_text(text)
    settings.revalidate()
    wizard.next()
    wizard.hosts_page.only.setChecked(True)
    for index in range(2):
        wizard.hosts_page.hosts.item(index).setCheckState(Qt.CheckState.Checked)
    await _settle()
    save(wizard, "storage-wizard-3-hosts")
    wizard.next()
    await _settle()
    save(wizard, "storage-wizard-4-review")
    wizard.reject()


def save_to(directory: Path) -> Save:
    def save(widget: QWidget, name: str) -> None:
        path = directory / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        print(path)

    return save
