"""Turning gRPC failures into text a user can act on."""

from __future__ import annotations

import grpc

_FRIENDLY_CODES = {
    grpc.StatusCode.UNAVAILABLE: "unreachable",
    grpc.StatusCode.DEADLINE_EXCEEDED: "did not answer in time",
    grpc.StatusCode.INVALID_ARGUMENT: "rejected the request",
    grpc.StatusCode.NOT_FOUND: "not found",
    grpc.StatusCode.ALREADY_EXISTS: "already exists",
    grpc.StatusCode.FAILED_PRECONDITION: "refused",
    grpc.StatusCode.PERMISSION_DENIED: "permission denied",
    grpc.StatusCode.UNAUTHENTICATED: "not authenticated",
    grpc.StatusCode.INTERNAL: "internal error",
    grpc.StatusCode.UNIMPLEMENTED: "does not support this call",
}


def describe_rpc_error(error: grpc.aio.AioRpcError | grpc.RpcError, target: str) -> str:
    """``"coordinator 127.0.0.1:7443 unreachable: failed to connect to all addresses ..."``.

    Names where it failed (``target``), what kind of failure it was, and the server's own
    descriptive message, untouched.
    """
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    what = _FRIENDLY_CODES.get(code, code.name if code else "failed")
    return f"{target} {what}: {details or 'no details given'}"
