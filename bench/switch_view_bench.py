"""Switch view benchmark (run by hand, never as a test): prints one JSON line.

The Switches page's first paint of a switch with 100 hosts x 4 uplinks: from the Watch event
reaching the console's model to the page painted (the matrix's 400 cells worded and drawn),
offscreen. Each run makes a new page and model; the median of RUNS after a first run that also
loads fonts and styles (reported apart). The switch is made here (every host with checked
health), as the coordinator would send it.

Target (issue 8): first paint < 200 ms.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/switch_view_bench.py
"""

import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication

from console.networks.switches_model import SwitchesModel
from console.networks.switches_page import SwitchesPage
from domain.switches import HostUplinks, SwitchSpec, UplinkNic
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.switch_codec import switch_to_pb

HOSTS = 100
UPLINKS = 4
RUNS = 7


def big_switch() -> pb.Switch:
    uplinks = tuple(f"uplink{i}" for i in range(1, UPLINKS + 1))
    hosts = tuple(
        HostUplinks(
            f"host-{h:03d}", tuple(UplinkNic(u, f"eth{i}") for i, u in enumerate(uplinks, 1))
        )
        for h in range(HOSTS)
    )
    spec = SwitchSpec("dvs-big", uplinks, uplinks[:2], uplinks[2:], mtu=9000, hosts=hosts)
    switch = pb.Switch(spec=switch_to_pb(spec))
    switch.realization.phase = cpb.PHASE_READY
    for h, entry in enumerate(hosts):
        health = cpb.SwitchHostHealth(switch_name=spec.name, bridge_present=True)
        for i, nic in enumerate(entry.nics):
            mtu = 1500 if (h, i) == (7, 2) else 9000  # one mismatch to mark
            health.uplinks.add(
                uplink=nic.uplink,
                nic=nic.nic,
                present=True,
                link_up=True,
                speed_mbps=25000,
                mtu=mtu,
                mtu_matches=mtu == 9000,
                enslaved=True,
            )
        status = switch.realization.hosts.add(host=entry.host, phase=cpb.PHASE_READY)
        status.switch_health.CopyFrom(health)
    return switch


def first_paint(app: QApplication, switch: pb.Switch) -> float:
    model = SwitchesModel()
    page = SwitchesPage(model)
    page.resize(1440, 900)
    page.show()
    app.processEvents()
    event = pb.WatchEvent(type=pb.WatchEvent.TYPE_ADDED, kind=pb.OBJECT_KIND_SWITCH, key="dvs-big")
    event.switch.CopyFrom(switch)
    start = time.perf_counter()
    model.apply_event(event)
    model.flush()
    page.grab()  # paints the page as it is now, matrix included
    elapsed = time.perf_counter() - start
    assert page.matrix.rowCount() == HOSTS, "the matrix was not filled"
    page.close()
    page.deleteLater()
    return elapsed


def main() -> None:
    app = QApplication.instance() or QApplication([])
    switch = big_switch()
    first = first_paint(app, switch)
    times = [first_paint(app, switch) for _ in range(RUNS)]
    with open("/proc/meminfo") as meminfo:
        kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    print(
        json.dumps(
            {
                "bench": "switch_view",
                "what": f"Switches page first paint, {HOSTS} hosts x {UPLINKS} uplinks",
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
                "first_ms": round(first * 1000, 1),
                "runs": RUNS,
                "target_ms": 200,
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"{round(kib / 2**20, 1)} GiB, Python {platform.python_version()}",
            }
        )
    )


if __name__ == "__main__":
    main()
