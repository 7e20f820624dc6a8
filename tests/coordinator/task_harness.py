"""A real coordinator process that, once started, also starts the tasks QUANTIX_TEST_TASKS
lists (JSON: [{"object": ..., "host": ..., "total": ...}]) through TaskRegistry.start: what
the upload and download managers (not built yet) will do. Everything else is the coordinator
as it ships: ``python -m tests.coordinator.task_harness`` takes the coordinator's arguments."""

from __future__ import annotations

import json
import os

from coordinator import server
from coordinator.tasks import TaskRegistry
from domain.tasks import TaskKind

ENV = "QUANTIX_TEST_TASKS"


class StartingRegistry(TaskRegistry):
    def recover(self) -> list[str]:
        failed = super().recover()
        for spec in json.loads(os.environ.get(ENV, "[]")):
            self.start(TaskKind.UPLOAD, spec["object"], spec["host"], "vms", "tests", spec["total"])
        return failed


if __name__ == "__main__":
    server.TaskRegistry = StartingRegistry  # type: ignore[misc]
    server.main()
