"""One daemon child process that reports its bound address through a --port-file."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

from localfleet.launch import python_module_command

# A daemon imports grpc, protobuf and (for nodes) libvirt before it binds: about 0.5 s on an
# idle machine, several seconds on a loaded 2-core CI machine starting 20 of them at once.
STARTUP_DEADLINE_S = 60.0
# SIGTERM gives a daemon a graceful stop (GRACEFUL_STOP_S = 5 s in serving.grpc_server) plus
# slack; after this it is killed.
STOP_DEADLINE_S = 10.0

# How often to look at a child's port file or exit status: quick enough that a test or the
# demo does not notice, cheap enough that 50 children polling cost nothing.
POLL_INTERVAL_S = 0.02


class ProcessFailed(RuntimeError):
    """A daemon exited or did not start in time; the message carries its last log lines."""


class DaemonProcess:
    def __init__(
        self,
        name: str,
        module: str,
        args: list[str],
        workdir: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.module = module
        self.args = args
        self.env = dict(env or {})  # added to this process's environment
        self.workdir = workdir
        self.port_file = workdir / f"{name}.port"
        self.log_file = workdir / f"{name}.log"
        self.address = ""
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def spawn(self) -> None:
        self.port_file.unlink(missing_ok=True)
        # Dies with this process (see localfleet.child), then runs the daemon's module.
        command = python_module_command(
            "localfleet.child",
            str(os.getpid()),
            self.module,
            # Not this machine's /etc/quantix/*.toml (an installed package's): a local fleet
            # is made of its flags alone. An explicit --config in args comes later and wins.
            "--config",
            os.devnull,
            *self.args,
            "--port-file",
            str(self.port_file),
        )
        with self.log_file.open("ab") as log:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                # Its own process group, so a Ctrl+C in the demo's terminal reaches the console,
                # which then stops the children in order, instead of killing all at once.
                start_new_session=True,
                env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
            )

    async def wait_serving(self, deadline_s: float = STARTUP_DEADLINE_S) -> str:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.port_file.exists():
                self.address = self.port_file.read_text().strip()
                return self.address
            if not self.running:
                raise ProcessFailed(f"{self.name} exited at start-up:\n{self.log_tail()}")
            await asyncio.sleep(POLL_INTERVAL_S)
        raise ProcessFailed(
            f"{self.name} did not start within {deadline_s:.0f} s:\n{self.log_tail()}"
        )

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to say goodbye (a host losing power)."""
        if self._proc and self.running:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait()

    def pause(self) -> None:
        """SIGSTOP: the kernel still accepts connections, nothing answers (a hung daemon)."""
        if self._proc and self.running:
            self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._proc and self.running:
            self._proc.send_signal(signal.SIGCONT)

    def send_signal(self, sig: int) -> None:
        """Send ``sig`` to the running daemon (e.g. a test's SIGTERM or SIGINT)."""
        if self._proc and self.running:
            self._proc.send_signal(sig)

    def wait(self, timeout_s: float) -> int:
        """Block until the spawned daemon exits; its exit status (TimeoutExpired if it does
        not exit within ``timeout_s``)."""
        assert self._proc is not None, f"{self.name} was never spawned"
        return self._proc.wait(timeout_s)

    async def stop(self, deadline_s: float = STOP_DEADLINE_S) -> int | None:
        """SIGTERM, wait, SIGKILL if needed; returns the exit status."""
        if self._proc is None:
            return None
        if self.running:
            self._proc.send_signal(signal.SIGCONT)  # a paused process cannot handle SIGTERM
            self._proc.send_signal(signal.SIGTERM)
            end = time.monotonic() + deadline_s
            # No exit event to await: Popen, not an asyncio subprocess (see the package doc).
            while self.running and time.monotonic() < end:  # noqa: ASYNC110
                await asyncio.sleep(POLL_INTERVAL_S)
            if self.running:
                self._proc.kill()
        return self._proc.wait()

    def stop_now(self) -> None:
        """Synchronous last-resort stop (atexit, interpreter shutdown)."""
        if self._proc and self.running:
            self._proc.terminate()
            try:
                self._proc.wait(STOP_DEADLINE_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
