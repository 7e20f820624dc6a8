"""The Watch stream's object kinds (``quantix.v1.ObjectKind``) as plain numbers, for the page
registry: every feature registers its models with them before the window shows, when the
generated stubs (protobuf and ~20 ms of descriptors) are not imported yet.

The numbers are the proto's own (a wire contract: never renumbered, only added to);
tests/console/test_startup.py fails when this list and the stubs disagree, or a kind is missing.
"""

from __future__ import annotations

OBJECT_KIND_UNSPECIFIED = 0  # RESET and SYNCED: no kind, they concern every model
OBJECT_KIND_NODE = 1
OBJECT_KIND_POOL = 2
OBJECT_KIND_DISCOVERED_POOL = 3
OBJECT_KIND_AUDIT_ENTRY = 4
OBJECT_KIND_NETWORK = 5
OBJECT_KIND_SWITCH = 6
OBJECT_KIND_DISCOVERED_NETWORK = 7
OBJECT_KIND_TASK = 8
OBJECT_KIND_IMAGE = 9
OBJECT_KIND_CLUSTER = 10
OBJECT_KIND_HOST_USAGE = 11
