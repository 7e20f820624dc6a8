"""Networks on the wire: every field of every type survives the codec; a type nobody defined
is refused naming the field, before any rule runs."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.networks import validate_network
from proto.quantix.v1 import common_pb2 as cpb
from tests.domain.test_networks import BRIDGED, NAT, PORT_GROUP
from wire.network_codec import network_from_pb, network_to_pb


@pytest.mark.parametrize("spec", [NAT, BRIDGED, PORT_GROUP], ids=["nat", "bridged", "port-group"])
def test_every_field_survives_the_wire(spec):
    message = network_to_pb(spec)
    decoded = network_from_pb(cpb.NetworkSpec.FromString(message.SerializeToString()))
    assert decoded == spec
    assert validate_network(decoded) == spec


@pytest.mark.parametrize("number", [0, 5, -3, 2**31 - 1])
def test_a_type_nobody_defined_is_refused_naming_the_field(number):
    with pytest.raises(ValidationError) as caught:
        network_from_pb(cpb.NetworkSpec(name="n", type=number))
    assert caught.value.field == "type"
    assert caught.value.rule == (
        f"must be one of nat, isolated, bridged, port-group (got {number})"
    )
