"""quantix-node: the per-host daemon, the only Quantix process that talks to libvirt.

Modules, one concern each:

- ``options``: command line -> ``NodeOptions``
- ``server``: wiring (``main``), start-up and clean shutdown
- ``libvirt_loop``: libvirt's event loop on asyncio (thread-safe) and its error printing
- ``libvirt_conn``: the lazily opened, self-healing libvirt connection; ``LibvirtCallError``
- ``xmlutil``: small ElementTree helpers for libvirt XML
- ``host_facts``, ``pools``, ``networks``: what libvirt reports, as ``quantix.v1`` messages
- ``servicer``: the ``quantix.v1.NodeDaemon`` gRPC service
- ``registration``: registering with the coordinator, then heartbeating
- ``version``: the daemon version (the atomic ``--port-file`` is ``serving.portfile``)
"""
