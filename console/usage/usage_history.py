"""Reading the recent usage history from the coordinator (GetUsageHistory), a page of hosts at
a time. Qt-free.

Paged because one reply for every host of a large fleet could pass gRPC's 4 MiB receive limit
(a host's finest tier is 180 slots x 2 floats, ~1.5 KB on the wire: ~2,700 hosts), and because
the console merges each page on its GUI thread: a page is a few milliseconds of work, the
loop runs between pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence

import grpc

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from domain.usage import FINEST
from proto.quantix.v1 import coordinator_pb2 as pb

# Hosts per request: ~300 KB a reply (far below the 4 MiB limit) and a merge of a few ms on
# the GUI thread; 1,000 hosts take 5 round trips.
PAGE_HOSTS = 200


class HistoryError(Exception):
    """A page could not be read: the message names the coordinator, the hosts and the cause."""


def pages(hosts: Sequence[str], size: int = PAGE_HOSTS) -> list[list[str]]:
    return [list(hosts[i : i + size]) for i in range(0, len(hosts), size)]


def hosts_text(hosts: Sequence[str], shown: int = 3) -> str:
    """``host-a, host-b, host-c and 197 more``: which hosts a failed page was for."""
    named = ", ".join(hosts[:shown])
    return f"{named} and {len(hosts) - shown} more" if len(hosts) > shown else named


async def read_history(
    endpoint: Endpoint,
    hosts: Sequence[str],
    known: Callable[[str], bool],
    window_s: float = FINEST.span_s,
) -> AsyncIterator[pb.GetUsageHistoryResponse]:
    """The last ``window_s`` of ``hosts`` (by default the finest tier, 15 min at 5 s), one
    reply per page, each within the client's unary deadline; a failure raises HistoryError and
    ends the read.

    The coordinator refuses a whole page (NOT_FOUND) when one of its hosts is no longer
    registered; such a host was removed since the read began, and its removal reaches the
    caller on Watch too: the page is asked again once, for the hosts ``known`` still holds.
    """
    async with CoordinatorClient(endpoint) as client:
        for page in pages(hosts):
            try:
                yield await client.get_usage_history(page, window_s)
            except grpc.aio.AioRpcError as error:
                remaining = [host for host in page if known(host)]
                if error.code() == grpc.StatusCode.NOT_FOUND and len(remaining) < len(page):
                    if remaining:
                        yield await _page(client, remaining, window_s)
                    continue
                raise _failed(page, client, error) from error


async def _page(
    client: CoordinatorClient, page: list[str], window_s: float
) -> pb.GetUsageHistoryResponse:
    try:
        return await client.get_usage_history(page, window_s)
    except grpc.aio.AioRpcError as error:
        raise _failed(page, client, error) from error


def _failed(
    page: Sequence[str], client: CoordinatorClient, error: grpc.aio.AioRpcError
) -> HistoryError:
    cause = describe_rpc_error(error, client.target)
    return HistoryError(f"Usage history of {hosts_text(page)} (GetUsageHistory): {cause}")
