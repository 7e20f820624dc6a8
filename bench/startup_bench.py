"""Start-up benchmark (run by hand, never as a test): prints one JSON line.

Exec to visible main window, under one Xvfb for the whole run, alternating:

- the Quantix console as a user starts it: the ``quantix-console`` entry point of the
  virtualenv (no coordinator given, so the connect dialog opens over it; the main window,
  titled exactly "Quantix", is what counts), with PYTHONPATH set to this checkout;
- virt-manager (Debian's package) on the libvirt test driver:
  ``virt-manager --connect test:///default --no-fork`` (its window "Virtual Machine Manager").

A run starts the clock just before the exec and stops it at the first poll that finds a mapped
(viewable) top-level window with that exact title, the way ``xdotool search --onlyvisible --name``
does. The X server is polled in this process through libX11 (ctypes: no X library to install
and no process spawned per poll, which on a 2-core machine would take CPU from the app being
timed) every POLL_S; the period actually achieved is measured and printed. After its window is
found the app gets SIGTERM and the next run starts only once it has exited. Each app runs once
uncounted first, so both start from compiled bytecode and the page cache, as an installed app
does (the console's bytecode goes to a temporary PYTHONPYCACHEPREFIX, not into the checkout).

Optionally a window manager (``--wm openbox``) runs on the display, as a desktop would have:
virt-manager maps its window with or without one (tried both; see README's Measured table).

The bench tools are not project dependencies (never in packaging/system-packages.txt); install
them by hand first, as root on Debian 12:

    apt-get install -y virt-manager xdotool openbox   # xvfb is already a test dependency

Run: .venv/bin/python bench/startup_bench.py [--runs 8] [--wm none|openbox]
Target (issue 11): console median <= 0.8 x virt-manager's median in the same run.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from image_transfer_bench import machine  # the machine as every bench reports it

ROOT = Path(__file__).resolve().parent.parent

# xdotool --sync polls every 0.5 s; the issue asks for at least every 10 ms. 5 ms leaves margin
# for the time a poll itself takes (a tree walk is ~20 round trips to Xvfb).
POLL_S = 0.005
# An app that shows nothing in 30 s has failed (both take well under a second here).
WINDOW_DEADLINE_S = 30.0
# Time for an app to exit after SIGTERM (the console stops its tasks; virt-manager closes its
# libvirt connection) before it is killed.
EXIT_DEADLINE_S = 15.0
# Default runs per app: the issue asks for at least 6; 8 gives a steadier median.
DEFAULT_RUNS = 8
# Xvfb's screen: large enough for both apps' default window sizes.
SCREEN = "1600x1000x24"

# Not passed to the apps: both run on this X display, and both may write their bytecode
# (a shell that sets PYTHONDONTWRITEBYTECODE would make every console run compile every module).
UNSET = ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "PYTHONDONTWRITEBYTECODE")

IS_VIEWABLE = 2  # X11 map_state of a mapped window whose ancestors are all mapped


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", ctypes.c_ulong),
        ("c_class", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


class XDisplay:
    """Just enough of libX11 to find a viewable window by its exact title."""

    def __init__(self, name: str) -> None:
        lib = ctypes.CDLL("libX11.so.6")
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XDefaultRootWindow.restype = ctypes.c_ulong
        lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        lib.XQueryTree.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
            ctypes.POINTER(ctypes.c_uint),
        ]
        lib.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(XWindowAttributes),
        ]
        lib.XFetchName.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(ctypes.c_char_p),
        ]
        lib.XFree.argtypes = [ctypes.c_void_p]
        lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
        # A window that goes away between XQueryTree and XGetWindowAttributes is a BadWindow
        # error: Xlib's default handler would exit this process. Ignore it, as xdotool does.
        handler_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
        self._handler = handler_type(lambda _display, _event: 0)
        lib.XSetErrorHandler(self._handler)
        self._lib = lib
        self._display = lib.XOpenDisplay(name.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {name}")
        self._root = lib.XDefaultRootWindow(self._display)

    def close(self) -> None:
        self._lib.XCloseDisplay(self._display)

    def _children(self, window: int) -> list[int]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        if not self._lib.XQueryTree(
            self._display, window, root, parent, ctypes.byref(children), count
        ):
            return []
        found = [children[i] for i in range(count.value)]
        if children:
            self._lib.XFree(children)
        return found

    def _viewable(self, window: int) -> bool:
        attributes = XWindowAttributes()
        if not self._lib.XGetWindowAttributes(self._display, window, ctypes.byref(attributes)):
            return False
        return attributes.map_state == IS_VIEWABLE

    def _title(self, window: int) -> str:
        name = ctypes.c_char_p()
        if not self._lib.XFetchName(self._display, window, ctypes.byref(name)) or not name.value:
            return ""
        text = name.value.decode("utf-8", "replace")
        self._lib.XFree(name)
        return text

    def has_windows(self) -> bool:
        return bool(self._children(self._root))

    def has_visible(self, title: re.Pattern[str]) -> bool:
        """A viewable window titled ``title`` anywhere in the tree (a window manager reparents
        top-level windows into its frames, so not only the root's children)."""
        pending = self._children(self._root)
        while pending:
            window = pending.pop()
            if self._viewable(window) and title.fullmatch(self._title(window)):
                return True
            pending.extend(self._children(window))
        return False


@dataclass
class App:
    name: str
    command: list[str]
    title: re.Pattern[str]
    env: dict[str, str]
    figures: list[float] = field(default_factory=list)


@dataclass
class PollStats:
    polls: int = 0
    seconds: float = 0.0

    @property
    def period_ms(self) -> float:
        return 1000 * self.seconds / self.polls if self.polls else 0.0


def time_to_window(app: App, display: XDisplay, stats: PollStats) -> float:
    # Its stderr goes to a file (a pipe nobody reads could fill and stall the app).
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            app.command,
            env=app.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            while True:
                poll_started = time.perf_counter()
                if display.has_visible(app.title):
                    found = time.perf_counter()
                    stats.polls += 1
                    stats.seconds += found - poll_started
                    return found - started
                if process.poll() is not None:
                    errors.seek(0)
                    error = errors.read().decode(errors="replace")
                    raise RuntimeError(
                        f"{app.name}: exited with {process.returncode} before its window "
                        f"showed: {error[-2000:]}"
                    )
                if poll_started - started > WINDOW_DEADLINE_S:
                    raise RuntimeError(f"{app.name}: no window in {WINDOW_DEADLINE_S:.0f} s")
                time.sleep(POLL_S)
                stats.polls += 1
                stats.seconds += time.perf_counter() - poll_started
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(EXIT_DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """Xvfb on the first free display number (it tells which on -displayfd)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start")
    return server, f":{number}"


def start_window_manager(wm: str, env: dict[str, str], display: XDisplay) -> subprocess.Popen:
    manager = subprocess.Popen([wm], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # A window manager is running once it has made its own (unmapped) windows; give it the
    # deadline an app gets, then go on: a run would fail anyway if it was not working.
    deadline = time.monotonic() + WINDOW_DEADLINE_S
    while time.monotonic() < deadline and not display.has_windows():
        time.sleep(POLL_S)
    return manager


def machine_and_virt_manager() -> dict[str, Any]:
    """The machine as every bench reports it, and the virt-manager compared with."""
    version = subprocess.run(
        ["virt-manager", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {**machine(), "virt_manager": version}


def summary(figures: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(figures), 3),
        "min_s": round(min(figures), 3),
        "max_s": round(max(figures), 3),
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each app")
    parser.add_argument(
        "--wm", default="none", help="a window manager to run on the display (openbox), or none"
    )
    parser.add_argument(
        "--console",
        default=str(Path(sys.executable).parent / "quantix-console"),
        help="the console's command (default: the quantix-console next to this Python)",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs: at least 1")
    for tool in ("Xvfb", "virt-manager", *([args.wm] if args.wm != "none" else [])):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed (see the top of bench/startup_bench.py)")
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="startup-bench-pycache-") as pycache:
        run(args, Path(pycache))


def run(args: argparse.Namespace, pycache: Path) -> None:
    server, display_name = start_xvfb()
    manager: subprocess.Popen[bytes] | None = None
    display: XDisplay | None = None
    try:
        display = XDisplay(display_name)
        base = {k: v for k, v in os.environ.items() if k not in UNSET}
        base["DISPLAY"] = display_name
        # Compiled bytecode as an installed app has it (Debian's virt-manager ships its .pyc),
        # kept out of the checkout; the warm-up runs write it.
        base["PYTHONPYCACHEPREFIX"] = str(pycache)
        if args.wm != "none":
            manager = start_window_manager(args.wm, base, display)
        apps = [
            App(
                "console",
                [args.console],
                re.compile(r"Quantix"),
                {**base, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "xcb"},
            ),
            App(
                "virt-manager",
                ["virt-manager", "--connect", "test:///default", "--no-fork"],
                re.compile(r"Virtual Machine Manager"),
                base,
            ),
        ]
        stats = PollStats()
        for app in apps:  # warm-up, not counted: bytecode written, files in the page cache
            time_to_window(app, display, PollStats())
        for _ in range(args.runs):
            for app in apps:
                app.figures.append(time_to_window(app, display, stats))
        console, virt_manager = apps
        print(
            json.dumps(
                {
                    "bench": "startup",
                    "what": "exec to visible main window under Xvfb, alternating",
                    "runs": args.runs,
                    "window_manager": args.wm,
                    "console": summary(console.figures),
                    "virt_manager": summary(virt_manager.figures),
                    "ratio_console_to_virt_manager": round(
                        statistics.median(console.figures)
                        / statistics.median(virt_manager.figures),
                        2,
                    ),
                    "poll_period_ms": round(stats.period_ms, 2),
                    "warm_up": "one uncounted run of each first (bytecode cached, as installed)",
                    "console_runs_s": [round(f, 3) for f in console.figures],
                    "virt_manager_runs_s": [round(f, 3) for f in virt_manager.figures],
                    "machine": machine_and_virt_manager(),
                }
            )
        )
    finally:
        if manager is not None:
            stop(manager)
        if display is not None:
            display.close()
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
