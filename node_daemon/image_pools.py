"""The pool an image goes into, as libvirt has it on this host: its type, target path and
whether it is active (what decides how, and whether, bytes can be written there)."""

from __future__ import annotations

from dataclasses import dataclass

import libvirt

from node_daemon.jobs import JobContext
from node_daemon.pools import pool_facts_from_xml


@dataclass(frozen=True)
class PoolTarget:
    name: str
    type: str
    path: str  # the target directory of a file pool; "" when it has none
    active: bool


async def look_up_pool(ctx: JobContext, name: str) -> PoolTarget | None:
    """The pool named ``name``, or None when this host has none (LibvirtCallError when
    libvirt cannot say)."""

    def read(conn: libvirt.virConnect) -> PoolTarget | None:
        try:
            pool = conn.storagePoolLookupByName(name)
        except libvirt.libvirtError as error:
            if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
                return None
            raise
        facts = pool_facts_from_xml(pool.XMLDesc(0))
        return PoolTarget(name, facts.type, facts.target_path, bool(pool.isActive()))

    return await ctx.libvirt(f"looking up pool {name}", read)


async def refresh_pool(ctx: JobContext, name: str) -> None:
    """libvirt lists a file written into a pool only after a refresh."""
    await ctx.libvirt(
        f"refreshing pool {name}", lambda conn: conn.storagePoolLookupByName(name).refresh(0)
    )
