"""The demo's one host with real storage: a node daemon on this machine's own libvirt.

libvirt's test driver, which the demo's other hosts run on, keeps no bytes (it has no volume
upload), so uploads, downloads and OVA imports would have nowhere to land. ``host-d`` runs on
``qemu:///session``: for a desktop user that is libvirt's per-user daemon, which libvirt starts
on first use without root; for root it is the system daemon (``make demo`` starts one as root).
Its images live in a directory under the user's data directory, so what a user uploads in one
demo is still there in the next (as images found in the pool). Qt-free.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

STORAGE_HOST = "host-d"
STORAGE_URI = "qemu:///session"
# The demo's managed pool on host-d, made when the demo starts and undefined when it stops
# (the directory and the images in it stay).
STORAGE_POOL = "demo-images"
# Opening qemu:///session starts the per-user daemon the first time: ~1 s here. 20 s leaves a
# loaded machine room; a libvirt that has not answered by then is not going to.
LIBVIRT_CHECK_TIMEOUT_S = 20.0


def images_dir() -> Path:
    """Where the demo pool keeps its images: $XDG_DATA_HOME/quantix/demo-images."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "quantix" / "demo-images"


async def libvirt_unavailable() -> str:
    """Why host-d cannot run here ("" when it can): opens the URI in a child process, so a
    libvirt that hangs or a missing libvirt-python never blocks or breaks the console."""
    from localfleet.launch import python_module_command

    try:
        child = await asyncio.create_subprocess_exec(
            # This module's own __main__ (below): a bundled console has no `python -c`.
            *python_module_command(__name__, STORAGE_URI),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        return f"cannot start a child process to ask libvirt: {error}"
    try:
        _, err = await asyncio.wait_for(child.communicate(), LIBVIRT_CHECK_TIMEOUT_S)
    except TimeoutError:
        child.kill()
        await child.wait()
        return f"{STORAGE_URI} did not answer within {LIBVIRT_CHECK_TIMEOUT_S:.0f} s"
    if child.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {child.returncode}"
    return ""


def pool_spec() -> common_pb2.PoolSpec:
    """The demo pool: a local directory on host-d."""
    from domain.pools import Backend, LocalDirSource, PoolSpec
    from wire.pool_codec import spec_to_pb

    spec = PoolSpec(
        name=STORAGE_POOL,
        backend=Backend.LOCAL_DIR,
        source=LocalDirSource(str(images_dir())),
        description="Images of the demo, kept between demos (host-d is this machine's libvirt)",
        hosts=(STORAGE_HOST,),
    )
    return spec_to_pb(spec, include_secrets=False)


def _open_and_close(uri: str) -> None:
    """The child's side of :func:`libvirt_unavailable`: exit 0 when ``uri`` opens."""
    import libvirt

    libvirt.open(uri).close()


if __name__ == "__main__":
    _open_and_close(sys.argv[1])
