"""``HostNet`` driven from another process: ``python -m localfleet.netns_process create RUN_ID
NODE=NIC:MTU,NIC:MTU ...`` makes the namespaces, ``remove RUN_ID NODE ...`` removes them.

The console's demo needs this: pyroute2's netlink sockets run an asyncio loop of their own,
which cannot start inside the console's Qt event loop (qasync replaces the loop policy, in
worker threads too). A child process has a plain asyncio and exits when done.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence

from localfleet.launch import python_module_command
from localfleet.netns import HostNet, Nic


def host_args(nics: Mapping[str, Sequence[tuple[str, int]]]) -> list[str]:
    """``{"host-a": [("eth1", 1500)]}`` as this module's arguments (``host-a=eth1:1500``)."""
    return [f"{node}={','.join(f'{n}:{mtu}' for n, mtu in pairs)}" for node, pairs in nics.items()]


def in_child(command: str, run_id: str, args: Sequence[str]) -> None:
    """Run ``command`` in a child process and wait (a test's fixture: its process runs Qt)."""
    done = subprocess.run(
        python_module_command("localfleet.netns_process", command, run_id, *args),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"host networks ({command}): {done.stderr.strip()}")


def _nics(text: str) -> list[Nic]:
    return [Nic(name, int(mtu)) for name, mtu in (part.split(":") for part in text.split(","))]


def main(argv: list[str]) -> int:
    command, run_id, *hosts = argv
    net = HostNet(run_id=run_id)
    if command == "create":
        try:
            for entry in hosts:
                node, _, nics = entry.partition("=")
                net.add_host(node, _nics(nics))
        except BaseException:
            net.close()
            raise
        return 0
    if command == "remove":
        net.namespaces = [net.fabric, *(net.namespace(node) for node in hosts)]
        net.close()
        return 0
    print(f"netns_process: unknown command {command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
