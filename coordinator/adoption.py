"""Adoption: a discovered object (a pool, a network) becomes a managed one.

The spec is read back from the object's own XML on every host that adopts it (each host with
the fan-out deadline), with the parser the node's idempotent-init check uses. Hosts whose
definitions differ are refused naming the differing setting; a definition Quantix would write
differently (it could not re-initialize the object as it is) is refused naming the setting
too. Then the object is created as any other: initialization on each host finds it already
there with the same settings and keeps it, so adopting changes nothing on a host. What differs
per kind (reading the XML, the spec from it, creating) is an ``AdoptedKind``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Sequence
from typing import Any, Protocol

from clients.node import NodeClient
from coordinator.discovery import DiscoveryManager
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from coordinator.realized_errors import ObjectExists, Refused
from domain import pool_adoption
from domain.errors import ValidationError
from domain.limits import shortened
from domain.pools import validate_host_names, validate_pool_name
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_to_pb

# The hosts' own values go into a refusal: a few settings' worth, never a host's whole XML.
DIFFERENCES_SHOWN = 600


class AdoptedKind(Protocol):
    noun: str  # "pool": in refusals

    def exists(self, name: str) -> bool: ...

    def read_xml(self, client: NodeClient, name: str) -> Awaitable[str]: ...

    def host_differences(
        self, host: str, xml: str, other_host: str, other_xml: str
    ) -> list[str]: ...

    def spec_from_xml(self, xml: str, hosts: Sequence[str], secret: str) -> Any:
        """The validated domain spec (ValidationError naming the field)."""
        ...

    def unwritable_differences(self, host: str, xml: str, spec: Any) -> list[str]: ...

    def adopt(self, spec: Any, dry_run: bool) -> Any:
        """Create the managed object from ``spec`` or, dry run, only show it."""
        ...


class PoolAdoption:
    noun = "pool"
    host_differences = staticmethod(pool_adoption.host_differences)
    spec_from_xml = staticmethod(pool_adoption.spec_from_xml)
    unwritable_differences = staticmethod(pool_adoption.unwritable_differences)

    def __init__(self, pools: PoolManager) -> None:
        self._pools = pools

    def exists(self, name: str) -> bool:
        return self._pools.exists(name)

    def read_xml(self, client: NodeClient, name: str) -> Awaitable[str]:
        return client.get_storage_pool_xml(name)

    def adopt(self, spec: Any, dry_run: bool) -> pb.Pool:
        if dry_run:
            return pb.Pool(spec=spec_to_pb(spec, include_secrets=False))
        return self._pools.create(spec_to_pb(spec, include_secrets=True))


class Adopter:
    def __init__(
        self, kind: AdoptedKind, discovery: DiscoveryManager[Any, Any], realizer: Realizer
    ) -> None:
        self._kind = kind
        self._noun = kind.noun
        self._discovery = discovery
        self._realizer = realizer

    async def adopt(
        self, name: str, hosts: Sequence[str], secret: str = "", dry_run: bool = False
    ) -> Any:
        validate_pool_name(name)
        if self._kind.exists(name):
            raise ObjectExists(self._noun, name)
        chosen = self._hosts(name, hosts)
        xml_by_host = await self._read_xml(name, chosen)
        for host, xml in xml_by_host.items():
            try:
                ET.fromstring(xml)
            except ET.ParseError as error:
                raise Refused(
                    f"the definition of {self._noun} {name} on {host} is not valid XML: {error}"
                ) from None
        first = chosen[0]
        for host in chosen[1:]:
            differences = self._kind.host_differences(
                first, xml_by_host[first], host, xml_by_host[host]
            )
            if differences:
                raise Refused(
                    f"{self._noun} {name} is defined differently on {host} than on {first}: "
                    f"{shortened('; '.join(differences), DIFFERENCES_SHOWN)}; adopt it on the "
                    "hosts that agree, or make the definitions the same"
                )
        spec = self._kind.spec_from_xml(xml_by_host[first], chosen, secret)
        unwritable = self._kind.unwritable_differences(first, xml_by_host[first], spec)
        if unwritable:
            raise Refused(
                f"{self._noun} {name} cannot be adopted as it is defined: "
                f"{shortened('; '.join(unwritable), DIFFERENCES_SHOWN)}"
            )
        return self._kind.adopt(spec, dry_run)

    def _hosts(self, name: str, hosts: Sequence[str]) -> list[str]:
        """The hosts to adopt on: those named (each must report the object), else every host
        that reports it."""
        found = self._discovery.named(name)
        if not found:
            raise Refused(
                f"no host reports a {self._noun} named {name} that Quantix does not manage"
            )
        reporting = {entry.host for one in found for entry in one.hosts}
        unadoptable = [one for one in found if not one.adoptable]
        if unadoptable:
            raise Refused(f"{self._noun} {name}: {unadoptable[0].not_adoptable_reason}")
        if not hosts:
            return sorted(reporting)
        names = list(validate_host_names(hosts))
        for i, host in enumerate(names):
            if host not in reporting:
                raise ValidationError(
                    f"hosts[{i}]", f"{host} has no unmanaged {self._noun} named {name}"
                )
        return names

    async def _read_xml(self, name: str, hosts: list[str]) -> dict[str, str]:
        outcomes = await self._realizer.gather(
            hosts, lambda client, _timeout_s: self._kind.read_xml(client, name)
        )
        failed = [o for o in outcomes if not o.ok or o.result is None]
        if failed:
            reasons = "; ".join(f"{o.host}: {o.message}" for o in failed)
            raise Refused(f"cannot read the definition of {self._noun} {name}: {reasons}")
        return {o.host: str(o.result) for o in outcomes}
