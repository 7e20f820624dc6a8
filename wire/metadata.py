"""Trailing metadata Quantix's servers attach to a refusal, and the one reader of it.

- ``quantix-field``: the request field an INVALID_ARGUMENT is about (``nfs.server``), so a
  wizard can put the error next to that field;
- ``quantix-reason``: what failed on a node, a stable code (a PoolErrorReason name) the
  coordinator keeps per host and the console words;
- ``quantix-step``: the step of a node operation that failed (``mount``, ``start``...).

And one initial-metadata key: ``quantix-upload: accepted``, sent by a node once an upload's
checks passed and it takes bytes (a refusal ends the call without it).
"""

from __future__ import annotations

import grpc

FIELD_KEY = "quantix-field"
REASON_KEY = "quantix-reason"
STEP_KEY = "quantix-step"
UPLOAD_KEY = "quantix-upload"
UPLOAD_ACCEPTED = "accepted"


def trailing(error: grpc.aio.AioRpcError | grpc.RpcError, key: str) -> str:
    """The value of ``key`` in an RPC error's trailing metadata, "" when absent."""
    metadata = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for name, value in metadata or ():
        if name == key:
            return value if isinstance(value, str) else value.decode(errors="replace")
    return ""
