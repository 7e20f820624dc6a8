"""The transfers in flight, on disk, so a node killed mid-upload removes the partial volume at
its next start.

One small JSON file in the node's data directory (0600: it names pools and paths, nothing
secret, but it is the daemon's own state). An entry is written once the partial volume exists
(a file made with O_EXCL: its device and inode; a libvirt volume: its pool, name and key) and
removed when the transfer is over, verified or cleaned up. At start, ``leftovers`` lists what a
killed daemon left; ``remove_leftover`` removes each, and only if it is still the very file (or
volume) the journal recorded: a file someone made under that name since is not touched.

Writes are atomic (a temporary file renamed over the journal, fsynced): a crash leaves the old
journal or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

JOURNAL_NAME = "transfers.json"
JOURNAL_MODE = 0o600
# Entries kept at most: one per running transfer (JobLimits.max_running is 4) plus queued ones;
# a journal longer than this is not one this daemon wrote, and is not trusted further.
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class TransferEntry:
    task_id: str
    pool: str
    # A file the node writes itself (a file pool's volume, an OVA archive): its path, device
    # and inode; "" and 0 for a volume made through libvirt.
    path: str = ""
    device: int = 0
    inode: int = 0
    # A volume made through libvirt (a stream pool): its name and key; "" otherwise.
    volume: str = ""
    volume_key: str = ""
    # A work directory of the transfer (an OVA's), removed whole; "" when none.
    work_dir: str = ""


class TransferJournal:
    """Thread-safe: entries change from the event loop and from worker threads."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / JOURNAL_NAME
        self._lock = threading.Lock()
        self._entries: dict[str, TransferEntry] = {}
        self._leftovers = self._read()

    def leftovers(self) -> list[TransferEntry]:
        """What the journal held when this daemon started: transfers a previous run did not
        finish."""
        return list(self._leftovers)

    def record(self, entry: TransferEntry) -> None:
        """``entry``'s partial volume exists: remember it until ``forget``."""
        with self._lock:
            self._entries[entry.task_id] = entry
            self._write()

    def forget(self, task_id: str) -> None:
        with self._lock:
            if self._entries.pop(task_id, None) is not None:
                self._write()

    def settle_leftovers(self) -> None:
        """The leftovers are dealt with: drop them from the file (entries of this run stay)."""
        with self._lock:
            self._leftovers = []
            self._write()

    def _read(self) -> list[TransferEntry]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as error:
            log.error("cannot read the transfer journal %s: %s", self.path, error)
            return []
        try:
            raw = json.loads(text)
            entries = [TransferEntry(**item) for item in raw["transfers"][:MAX_ENTRIES]]
        except (ValueError, KeyError, TypeError) as error:
            log.error(
                "the transfer journal %s is not one this daemon wrote (%s): partial volumes it "
                "may list are left as they are",
                self.path,
                error,
            )
            return []
        return entries

    def _write(self) -> None:
        entries = [*self._leftovers, *self._entries.values()]
        text = json.dumps({"transfers": [asdict(entry) for entry in entries]}, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".transfers-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                os.fchmod(file.fileno(), JOURNAL_MODE)
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def remove_file_if_same(path: str, device: int, inode: int) -> bool:
    """Unlink ``path`` if it is still the file (device, inode) a transfer made; True if it was
    removed. Blocking."""
    try:
        stat = os.lstat(path)
    except FileNotFoundError:
        return False
    if (stat.st_dev, stat.st_ino) != (device, inode):
        log.warning(
            "%s is no longer the partial file a transfer left (another file has that name "
            "now): left as it is",
            path,
        )
        return False
    os.unlink(path)
    return True


def remove_work_dir(path: str) -> None:
    """Remove a transfer's work directory whole (missing: nothing to do). Blocking."""
    if path:
        shutil.rmtree(path, ignore_errors=True)
