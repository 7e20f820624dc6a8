"""quantixctl images: list, show, upload, download, catalog, import-ova, retry, cancel, delete.

Every flag is checked with domain.images' rules before anything is sent (cli_images_args); an
upload's file must be there and readable before the coordinator records it. Transfers draw a
progress bar on a terminal (stderr) and, with ``--wait``, exit 0 only when the image is READY.
"""

from __future__ import annotations

import argparse
from typing import Any

from clients.cli_format import add_output_flags, print_data, structured
from clients.cli_images_args import (
    KIND_CHOICES,
    LIST_KINDS,
    REF,
    download_request,
    image_ref,
    upload_plan,
)
from clients.cli_images_catalog import CATALOG_HEADERS, catalog_entries, entry_json, entry_rows
from clients.cli_images_transfer import file_sender, require_ready, settle, upload
from clients.cli_images_view import (
    IMAGE_HEADERS,
    image_json,
    image_rows,
    image_text,
    ordered_images,
)
from clients.cli_realized import NotAsAsked, confirm, print_list, print_one
from clients.cli_tasks import add_stall_flag
from clients.cli_tasks_view import task_json, task_text
from clients.cli_tasks_wait import stall_seconds
from clients.coordinator import CoordinatorClient
from clients.present_images import image_phase_key, is_busy
from domain.pools import validate_pool_name
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import KIND_TO_PB


def add_commands(topics: Any) -> None:
    images = topics.add_parser("images", help="ISO media, disk images and OVA templates in pools")
    commands = images.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        add_output_flags(parser)
        return parser

    listing = command("list", "every image, with its phase and a transfer's progress")
    listing.add_argument("--pool", metavar="P", help="only the images of pool P")
    listing.add_argument("--kind", choices=list(LIST_KINDS), help="only images of this kind")
    command("show", "one image: every fact (a template's OVF facts too)").add_argument(
        "ref", metavar=REF
    )

    upload_cmd = command("upload", "upload an ISO or a disk image from this machine into a pool")
    upload_cmd.add_argument("file", metavar="FILE")
    _target_flags(upload_cmd, "FILE's name")
    upload_cmd.add_argument(
        "--kind", choices=list(KIND_CHOICES), help="default: from FILE's suffix (.iso: iso)"
    )
    upload_cmd.add_argument("--sha256", metavar="HEX", help="what FILE must hash to (checked)")
    _wait_flag(upload_cmd, default=True, after="the bytes are stored on the host")

    ova = command("import-ova", "upload an .ova and turn it into a template on its host")
    ova.add_argument("file", metavar="FILE")
    _target_flags(ova, "FILE's name without .ova")
    _wait_flag(ova, default=False, after="the archive is on the host (it is imported there)")

    download = command("download", "download a cloud image on the pool's host from a URL")
    source = download.add_mutually_exclusive_group(required=True)
    source.add_argument("url", nargs="?", metavar="URL", help="an http(s) URL")
    source.add_argument("--catalog", metavar="ID", help="a built-in catalog entry instead")
    _target_flags(download, "the URL's file name")
    download.add_argument(
        "--kind", choices=list(KIND_CHOICES), help="default: from the URL (.iso: iso)"
    )
    checksum = download.add_mutually_exclusive_group()
    checksum.add_argument("--sha256", metavar="HEX", help="what the download must hash to")
    checksum.add_argument(
        "--checksum-url", metavar="URL", help="the publisher's checksum file (e.g. SHA256SUMS)"
    )
    _wait_flag(download, default=False, after="the download is started")

    command("catalog", "the built-in catalog of well-known cloud images")
    retry = command("retry", "a failed download again, resuming where it stopped")
    retry.add_argument("ref", metavar=REF)
    _wait_flag(retry, default=False, after="it is started again")
    command("cancel", "stop the image's transfer (its task)").add_argument("ref", metavar=REF)
    delete = command("delete", "remove the image's volumes from its pool and forget it")
    delete.add_argument("ref", metavar=REF)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def _target_flags(parser: argparse.ArgumentParser, name_default: str) -> None:
    parser.add_argument("--pool", required=True, metavar="P", help="the pool to put it in")
    parser.add_argument("--name", metavar="N", help=f"the image's name (default: {name_default})")
    parser.add_argument(
        "--host", metavar="H", help="the host to put it on (needed for a pool on several hosts)"
    )


def _wait_flag(parser: argparse.ArgumentParser, default: bool, after: str) -> None:
    otherwise = f"return once {after}"
    parser.add_argument(
        "--wait",
        action=argparse.BooleanOptionalAction,
        default=default,
        help=f"wait until the image is READY or ERROR, exit status 1 unless READY "
        f"(--no-wait: {otherwise}; default: {'--wait' if default else '--no-wait'})",
    )
    add_stall_flag(parser)


def _print_image(image: pb.Image, output: str) -> None:
    print_one(image, output, image_json, image_text)


async def _list(client: CoordinatorClient, args: argparse.Namespace) -> None:
    pool = validate_pool_name(args.pool, "--pool") if args.pool is not None else None
    images = ordered_images((await client.list_images()).images)
    if pool is not None:
        images = [i for i in images if i.pool == pool]
    if args.kind is not None:
        images = [i for i in images if i.kind == KIND_TO_PB[LIST_KINDS[args.kind]]]
    tasks: dict[str, pb.Task] = {}
    if not structured(args.output) and any(is_busy(i) and i.task_id for i in images):
        tasks = {t.id: t for t in (await client.list_tasks()).tasks}
    print_list(
        images,
        args.output,
        image_json,
        lambda shown, _now: image_rows(shown, tasks),
        IMAGE_HEADERS,
        "No images.",
    )


async def _after_start(
    client: CoordinatorClient, image: pb.Image, args: argparse.Namespace, stall_s: float
) -> None:
    """A download or a retry has started: print the image, or follow it with --wait."""
    if args.wait:
        image = await settle(client, image.task_id, image.pool, image.name, stall_s)
    _print_image(image, args.output)
    if args.wait:
        require_ready(image)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        await _list(client, args)
        return
    if command == "catalog":
        print_list(
            catalog_entries(), args.output, entry_json, entry_rows, CATALOG_HEADERS, "No entries."
        )
        return
    if command in ("upload", "import-ova"):
        plan = upload_plan(args, ova=command == "import-ova")  # before any call
        stall_s = stall_seconds(args.stall_timeout)
        send_file = file_sender()
        image = await upload(
            client, plan.request, plan.file.path, args.wait, stall_s, send_file=send_file
        )
        _print_image(image, args.output)
        if args.wait:
            require_ready(image)
        return
    if command == "download":
        request = download_request(args)  # before any call
        stall_s = stall_seconds(args.stall_timeout)
        await _after_start(client, await client.create_download(request), args, stall_s)
        return
    pool, name = image_ref(args.ref)  # before any call
    if command == "show":
        _print_image(await client.get_image(pool, name), args.output)
        return
    if command == "retry":
        stall_s = stall_seconds(args.stall_timeout)
        await _after_start(client, await client.retry_image(pool, name), args, stall_s)
        return
    if command == "cancel":
        image = await client.get_image(pool, name)
        if not is_busy(image) or not image.task_id:
            raise NotAsAsked(
                f"image {pool}/{name} is {image_phase_key(image.phase)}: no transfer to cancel"
            )
        print_one(await client.cancel_task(image.task_id), args.output, task_json, task_text)
        return
    if command == "delete":
        confirm(f"Delete image {pool}/{name} and its volumes?", args.yes)
        await client.delete_image(pool, name)
        if structured(args.output):
            print_data({"deleted": f"{pool}/{name}"}, args.output)
        else:
            print(f"Image {pool}/{name} deleted.")
        return
    raise AssertionError(f"unknown images command {command!r}")
