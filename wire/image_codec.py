"""Image and task enums between domain (ImageKind, ImagePhase, TaskKind, TaskPhase) and the
contract's numbers, both ways: the one mapping the node, the coordinator, quantixctl and the
console all use."""

from __future__ import annotations

from domain.images import ImageKind, ImagePhase
from domain.tasks import TaskKind, TaskPhase
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

KIND_TO_PB: dict[ImageKind, int] = {
    ImageKind.ISO: cpb.IMAGE_KIND_ISO,
    ImageKind.DISK: cpb.IMAGE_KIND_DISK,
    ImageKind.OVA_TEMPLATE: cpb.IMAGE_KIND_OVA_TEMPLATE,
}
KIND_OF: dict[int, ImageKind] = {value: kind for kind, value in KIND_TO_PB.items()}

PHASE_TO_PB: dict[ImagePhase, int] = {
    ImagePhase.UPLOADING: cpb.IMAGE_PHASE_UPLOADING,
    ImagePhase.DOWNLOADING: cpb.IMAGE_PHASE_DOWNLOADING,
    ImagePhase.EXTRACTING: cpb.IMAGE_PHASE_EXTRACTING,
    ImagePhase.VERIFYING: cpb.IMAGE_PHASE_VERIFYING,
    ImagePhase.CONVERTING: cpb.IMAGE_PHASE_CONVERTING,
    ImagePhase.REGISTERING: cpb.IMAGE_PHASE_REGISTERING,
    ImagePhase.READY: cpb.IMAGE_PHASE_READY,
    ImagePhase.ERROR: cpb.IMAGE_PHASE_ERROR,
}
PHASE_OF: dict[int, ImagePhase] = {value: phase for phase, value in PHASE_TO_PB.items()}

TASK_KIND_TO_PB: dict[TaskKind, int] = {
    TaskKind.UPLOAD: pb.TASK_KIND_UPLOAD,
    TaskKind.DOWNLOAD: pb.TASK_KIND_DOWNLOAD,
    TaskKind.OVA_IMPORT: pb.TASK_KIND_OVA_IMPORT,
}
TASK_KIND_OF: dict[int, TaskKind] = {value: kind for kind, value in TASK_KIND_TO_PB.items()}

TASK_PHASE_TO_PB: dict[TaskPhase, int] = {
    TaskPhase.QUEUED: pb.TASK_PHASE_QUEUED,
    TaskPhase.RUNNING: pb.TASK_PHASE_RUNNING,
    TaskPhase.CANCELLING: pb.TASK_PHASE_CANCELLING,
    TaskPhase.SUCCEEDED: pb.TASK_PHASE_SUCCEEDED,
    TaskPhase.FAILED: pb.TASK_PHASE_FAILED,
    TaskPhase.CANCELLED: pb.TASK_PHASE_CANCELLED,
}
TASK_PHASE_OF: dict[int, TaskPhase] = {value: phase for phase, value in TASK_PHASE_TO_PB.items()}
