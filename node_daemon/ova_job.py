"""The daemon's OvaImporter: ``node_daemon.ova_import`` run inside an upload job, its phases and
progress passed on as the job's, its refusals as ImportRefused (the upload words them)."""

from __future__ import annotations

from pathlib import Path

from domain.images import ImagePhase
from node_daemon.image_upload import ImportRefused
from node_daemon.jobs import JobContext
from node_daemon.ova_import import OvaImportFailed, OvaRefused, import_ova
from proto.quantix.v1 import common_pb2

# import_ova counts bytes while extracting and converting, and items (digests checked, disks
# registered) in its other phases: a task's figures are bytes, so those counts go into the step.
_BYTE_PHASES = frozenset({ImagePhase.EXTRACTING, ImagePhase.CONVERTING})


class OvaTemplateImporter:
    async def __call__(
        self, ctx: JobContext, archive: Path, work_dir: Path, pool_dir: Path, template: str
    ) -> common_pb2.ImageFacts:
        def report(phase: ImagePhase, step: str, done: int, total: int) -> None:
            if phase not in _BYTE_PHASES:
                ctx.phase(phase, f"{step} ({done} of {total})" if total else step)
                return
            if phase is not ctx.image_phase:
                ctx.phase(phase, step)
            ctx.progress(done, total, step)

        try:
            return await import_ova(archive, work_dir, pool_dir, template, report)
        except (OvaRefused, OvaImportFailed) as error:
            raise ImportRefused(str(error)) from error
