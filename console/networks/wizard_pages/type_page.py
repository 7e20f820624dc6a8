"""Step 1: the type of network, each explained in a sentence."""

from __future__ import annotations

from console.wizards.choice_page import Choice, ChoicePage
from domain.networks import NetworkType

# Mnemonics avoid N, B and C: the wizard's Next, Back and Create buttons use those.
CHOICES: tuple[Choice[NetworkType], ...] = (
    Choice(
        NetworkType.NAT,
        "N&AT",
        "A private subnet behind each host's address: guests reach out through the host, "
        "with DHCP and DNS on the network.",
    ),
    Choice(
        NetworkType.ISOLATED,
        "&Isolated",
        "A private subnet with no way out: guests reach each other and the host only.",
    ),
    Choice(
        NetworkType.BRIDGED,
        "Bri&dged",
        "Guests join the LAN through an existing bridge on each host and get their addresses "
        "from the LAN.",
    ),
    Choice(
        NetworkType.PORT_GROUP,
        "&Port group",
        "Guests join a port group of a distributed switch, on its VLAN or untagged; addresses "
        "come from that LAN.",
    ),
)
NO_SWITCH_TEXT = "(No distributed switch exists yet.)"


class TypePage(ChoicePage[NetworkType]):
    def __init__(self, has_switches: bool) -> None:
        super().__init__(
            "Type of network",
            "How guests on the network reach the world. The next pages ask for its settings.",
            CHOICES,
        )
        if not has_switches:
            self.set_unavailable(NetworkType.PORT_GROUP, NO_SWITCH_TEXT)
