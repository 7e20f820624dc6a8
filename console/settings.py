"""What the console remembers between runs (QSettings): recent coordinator addresses.

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

# Where a fresh install points the connect dialog: a coordinator on this machine, on the
# coordinator's conventional port.
DEFAULT_ADDRESS = "127.0.0.1:7443"


class ConsoleSettings:
    """Typed access to the console's QSettings (the platform's usual place by default)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self.qsettings = settings or QSettings(ORGANIZATION, APPLICATION)

    def recent_addresses(self) -> list[str]:
        value = self.qsettings.value(KEY_RECENT, [])
        if isinstance(value, str):  # QSettings gives a one-item list back as a plain string
            value = [value]
        return [str(item) for item in (value or []) if item]

    def last_address(self) -> str:
        return str(self.qsettings.value(KEY_LAST, "") or "")

    def remember_address(self, address: str) -> None:
        """Make ``address`` the last used and the first of the recent ones."""
        recent = [address, *(item for item in self.recent_addresses() if item != address)]
        self.qsettings.setValue(KEY_RECENT, recent[:MAX_RECENT_ADDRESSES])
        self.qsettings.setValue(KEY_LAST, address)
        self.qsettings.sync()
