"""AdoptPool: a discovered pool becomes a managed one.

The spec is read back from the pool's own XML on every host that adopts it (GetStoragePoolXml,
each host with the fan-out deadline), with the parser the node's idempotent-init check uses.
Hosts whose definitions differ are refused naming the differing setting; a definition Quantix
would write differently (it could not re-initialize the pool as it is) is refused naming the
setting too. Then the pool is created as any other: initialization on each host finds the
pool already there with the same settings and keeps it, so adopting changes nothing on a host.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from coordinator.discovery import DiscoveryManager
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from coordinator.realized_errors import ObjectExists, Refused
from domain.errors import ValidationError
from domain.limits import shortened
from domain.pool_adoption import (
    host_differences,
    not_adoptable_reason,
    spec_from_xml,
    unwritable_differences,
)
from domain.pools import validate_host_names, validate_pool_name
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_to_pb

# The hosts' own values go into a refusal: a few settings' worth, never a host's whole XML.
DIFFERENCES_SHOWN = 600


class Adopter:
    def __init__(self, pools: PoolManager, discovery: DiscoveryManager, realizer: Realizer) -> None:
        self._pools = pools
        self._discovery = discovery
        self._realizer = realizer

    async def adopt(
        self, name: str, hosts: Sequence[str], secret: str = "", dry_run: bool = False
    ) -> pb.Pool:
        validate_pool_name(name)
        if name in {pool.spec.name for pool in self._pools.list()}:
            raise ObjectExists("pool", name)
        chosen = self._hosts(name, hosts)
        xml_by_host = await self._read_xml(name, chosen)
        for host, xml in xml_by_host.items():
            try:
                ET.fromstring(xml)
            except ET.ParseError as error:
                raise Refused(
                    f"the definition of pool {name} on {host} is not valid XML: {error}"
                ) from None
        first = chosen[0]
        for host in chosen[1:]:
            differences = host_differences(first, xml_by_host[first], host, xml_by_host[host])
            if differences:
                raise Refused(
                    f"pool {name} is defined differently on {host} than on {first}: "
                    f"{shortened('; '.join(differences), DIFFERENCES_SHOWN)}; adopt it on the "
                    "hosts that agree, or make the definitions the same"
                )
        spec = spec_from_xml(xml_by_host[first], chosen, secret)
        unwritable = unwritable_differences(first, xml_by_host[first], spec)
        if unwritable:
            raise Refused(
                f"pool {name} cannot be adopted as it is defined: "
                f"{shortened('; '.join(unwritable), DIFFERENCES_SHOWN)}"
            )
        message = spec_to_pb(spec, include_secrets=True)
        if dry_run:
            return pb.Pool(spec=spec_to_pb(spec, include_secrets=False))
        return self._pools.create(message)

    def _hosts(self, name: str, hosts: Sequence[str]) -> list[str]:
        """The hosts to adopt on: those named (each must report the pool), else every host
        that reports it."""
        found = self._discovery.named(name)
        if not found:
            raise Refused(f"no host reports a pool named {name} that Quantix does not manage")
        reporting = {entry.host for pool in found for entry in pool.hosts}
        unadoptable = [pool for pool in found if not pool.adoptable]
        if unadoptable:
            raise Refused(f"pool {name}: {not_adoptable_reason(unadoptable[0].type)}")
        if not hosts:
            return sorted(reporting)
        names = list(validate_host_names(hosts))
        for i, host in enumerate(names):
            if host not in reporting:
                raise ValidationError(f"hosts[{i}]", f"{host} has no unmanaged pool named {name}")
        return names

    async def _read_xml(self, name: str, hosts: list[str]) -> dict[str, str]:
        outcomes = await self._realizer.gather(
            hosts, lambda client, _timeout_s: client.get_storage_pool_xml(name)
        )
        failed = [o for o in outcomes if not o.ok or o.result is None]
        if failed:
            reasons = "; ".join(f"{o.host}: {o.message}" for o in failed)
            raise Refused(f"cannot read the definition of pool {name}: {reasons}")
        return {o.host: str(o.result) for o in outcomes}
