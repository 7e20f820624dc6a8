"""What the console remembers between runs (QSettings): recent coordinator addresses and
the command palette's recent entries.

Never secrets: access tokens go to the OS keyring (console.tokens), not here.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "Quantix"
APPLICATION = "quantix-console"

# Enough to cover a lab, staging and production coordinator or two; the combo stays short.
MAX_RECENT_ADDRESSES = 10

KEY_RECENT = "connection/recent_addresses"
KEY_LAST = "connection/last_address"
KEY_PALETTE_RECENT = "palette/recent"

# Where a fresh install points the connect dialog: a coordinator on this machine, on the
# coordinator's conventional port.
DEFAULT_ADDRESS = "127.0.0.1:7443"


class ConsoleSettings:
    """Typed access to the console's QSettings (the platform's usual place by default)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings or QSettings(ORGANIZATION, APPLICATION)

    def recent_addresses(self) -> list[str]:
        return self._strings(KEY_RECENT)

    def _strings(self, key: str) -> list[str]:
        value = self.qsettings.value(key, [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a plain string
            value = [value]
        return [str(item) for item in (value or []) if item]

    def recent_commands(self) -> list[str]:
        """The command palette's entries, last used first (console.kit.palette_search)."""
        return self._strings(KEY_PALETTE_RECENT)

    def set_recent_commands(self, keys: list[str]) -> None:
        self.qsettings.setValue(KEY_PALETTE_RECENT, keys)

    def last_address(self) -> str:
        return str(self.qsettings.value(KEY_LAST, "") or "")

    def remember_address(self, address: str) -> None:
        """Make ``address`` the last used and the first of the recent ones."""
        recent = [address, *(item for item in self.recent_addresses() if item != address)]
        self.qsettings.setValue(KEY_RECENT, recent[:MAX_RECENT_ADDRESSES])
        self.qsettings.setValue(KEY_LAST, address)
        self.qsettings.sync()
