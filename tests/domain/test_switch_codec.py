"""Switches on the wire: every field survives the codec, and the decoded spec is checked by the
domain's rules (the codec itself checks nothing)."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import ValidationError
from domain.switches import SwitchSpec, uplink_names, validate_switch
from proto.quantix.v1 import common_pb2 as cpb
from tests.domain.test_switches import SWITCH
from wire.switch_codec import switch_from_pb, switch_to_pb

SINGLE = SwitchSpec("s", uplink_names(1), ("uplink1",), description="one NIC\nper host")


@pytest.mark.parametrize("spec", [SWITCH, SINGLE], ids=["bond-and-vlans", "single"])
def test_every_field_survives_the_wire(spec):
    message = switch_to_pb(spec)
    decoded = switch_from_pb(cpb.SwitchSpec.FromString(message.SerializeToString()))
    assert decoded == spec
    assert validate_switch(decoded) == spec
    # Order is meaning (failover order, uplink order): it survives too.
    assert switch_to_pb(decoded) == message


def test_a_decoded_spec_is_checked_by_the_domain_rules():
    message = switch_to_pb(dataclasses.replace(SWITCH, mtu=0))
    with pytest.raises(ValidationError, match=r"^mtu: must be 576-9216 \(got 0\)$"):
        validate_switch(switch_from_pb(message))
    # An empty message decodes to a spec that names its first broken field.
    with pytest.raises(ValidationError, match=r"^name: is required$"):
        validate_switch(switch_from_pb(cpb.SwitchSpec()))
