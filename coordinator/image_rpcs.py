"""The Coordinator service's image RPCs: validate, call the image manager (coordinator.images),
map its refusals to status codes. A part of CoordinatorServicer, kept apart so each file holds
one concern.

CreateUpload's answer carries the ticket's secret: it is the one place it leaves the
coordinator. The audit entry names the image (pool and name), never the reply.
"""

from __future__ import annotations

import grpc

from coordinator.images import ImageExists, ImageManager, ImageNotFound, ImageRefused
from coordinator.realized_errors import ObjectNotFound
from domain.images import validate_image_name
from domain.pools import validate_pool_name
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import caller_name, note_audit_object
from serving.grpc_server import aborts_on, validated
from wire.proto_time import timestamp_of

image_errors = aborts_on(
    {
        ImageNotFound: grpc.StatusCode.NOT_FOUND,
        ObjectNotFound: grpc.StatusCode.NOT_FOUND,  # the pool named
        ImageExists: grpc.StatusCode.ALREADY_EXISTS,
        ImageRefused: grpc.StatusCode.FAILED_PRECONDITION,
    }
)


def _audited(pool: str, name: str) -> None:
    """The audit entry names the pool too (the access rules' subject keeps the name only);
    both are checked first, so the entry quotes nothing malformed."""
    validate_pool_name(pool, "pool")
    validate_image_name(name, "name")
    note_audit_object(f"image {pool}/{name}")


class ImageRpcs:
    _images: ImageManager

    async def ListImages(
        self, request: pb.ListImagesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListImagesResponse:
        return pb.ListImagesResponse(
            images=self._images.list(),
            revision=self._inventory.revision,  # type: ignore[attr-defined]
        )

    @validated
    @image_errors
    async def GetImage(
        self, request: pb.GetImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.Image:
        return self._images.get(request.pool, request.name)

    @validated
    @image_errors
    async def CreateUpload(
        self, request: pb.CreateUploadRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateUploadResponse:
        validate_image_name(request.name, "name")  # before the pool: the name's rule first
        _audited(request.pool, request.name)
        ticket = await self._images.create_upload(request, caller_name(context))
        return pb.CreateUploadResponse(
            image=ticket.image,
            task=ticket.task,
            host=ticket.host,
            node_address=ticket.node_address,
            ticket=ticket.secret,
            expires_at=timestamp_of(ticket.expires_at),
        )

    @validated
    @image_errors
    async def CreateDownload(
        self, request: pb.CreateDownloadRequest, context: grpc.aio.ServicerContext
    ) -> pb.Image:
        validate_image_name(request.name, "name")
        _audited(request.pool, request.name)
        return await self._images.create_download(request, caller_name(context))

    @validated
    @image_errors
    async def RetryImage(
        self, request: pb.RetryImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.Image:
        _audited(request.pool, request.name)
        return await self._images.retry(request.pool, request.name, caller_name(context))

    @validated
    @image_errors
    async def DeleteImage(
        self, request: pb.DeleteImageRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteImageResponse:
        _audited(request.pool, request.name)
        await self._images.delete(request.pool, request.name)
        return pb.DeleteImageResponse()
