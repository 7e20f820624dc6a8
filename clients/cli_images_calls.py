"""The coordinator's image calls as quantixctl makes them.

These are the CoordinatorClient methods being added in another branch, with the same names
and signatures; until that lands they call the generated stub directly, under the client's
deadline. After the merge each of these becomes ``client.<name>(...)`` (or this module goes
and cli_images calls the client).
"""

from __future__ import annotations

from clients.coordinator import DELETE_DEADLINE_S, CoordinatorClient
from proto.quantix.v1 import coordinator_pb2 as pb


async def list_images(client: CoordinatorClient) -> pb.ListImagesResponse:
    return await client._stub.ListImages(pb.ListImagesRequest(), timeout=client.deadline_s)


async def get_image(client: CoordinatorClient, pool: str, name: str) -> pb.Image:
    request = pb.GetImageRequest(pool=pool, name=name)
    return await client._stub.GetImage(request, timeout=client.deadline_s)


async def create_upload(
    client: CoordinatorClient, request: pb.CreateUploadRequest
) -> pb.CreateUploadResponse:
    return await client._stub.CreateUpload(request, timeout=client.deadline_s)


async def create_download(client: CoordinatorClient, request: pb.CreateDownloadRequest) -> pb.Image:
    return await client._stub.CreateDownload(request, timeout=client.deadline_s)


async def retry_image(client: CoordinatorClient, pool: str, name: str) -> pb.Image:
    request = pb.RetryImageRequest(pool=pool, name=name)
    return await client._stub.RetryImage(request, timeout=client.deadline_s)


async def delete_image(client: CoordinatorClient, pool: str, name: str) -> pb.DeleteImageResponse:
    # The coordinator waits for the image's host to remove its volumes: a delete's deadline.
    request = pb.DeleteImageRequest(pool=pool, name=name)
    return await client._stub.DeleteImage(request, timeout=DELETE_DEADLINE_S)
