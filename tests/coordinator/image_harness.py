"""A real coordinator process that, once started, also records the uploads QUANTIX_TEST_IMAGES
lists (JSON: [{"pool": ..., "name": ..., "host": ..., "size": ..., "sha256": ...}]) exactly as
CreateUpload does once a host took its ticket: an UPLOADING image and its QUEUED task. Used
until the node daemon answers AddTransferTicket (another part of issue 9); everything else is
the coordinator as it ships: ``python -m tests.coordinator.image_harness`` takes its
arguments."""

from __future__ import annotations

import json
import os

from coordinator import server
from coordinator.image_placement import Placement
from coordinator.images import ImageManager
from domain.images import ImageKind, ImagePhase
from domain.tasks import TaskKind

ENV = "QUANTIX_TEST_IMAGES"


class RecordingImages(ImageManager):
    def recover(self) -> list[str]:
        failed = super().recover()
        for spec in json.loads(os.environ.get(ENV, "[]")):
            placement = Placement(spec["pool"], spec["host"], "dir", 1 << 40)
            task = self._start_task(TaskKind.UPLOAD, placement, spec["name"], "tests", spec["size"])
            self._record(
                placement,
                spec["name"],
                ImageKind.ISO,
                ImagePhase.UPLOADING,
                task.id,
                "local-operator",
                f"{spec['name']} on the uploader's disk",
                spec.get("sha256", ""),
            )
        return failed


if __name__ == "__main__":
    server.ImageManager = RecordingImages  # type: ignore[misc]
    server.main()
