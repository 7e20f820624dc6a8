"""The Audit page: what an admin sees happen, live, and what anyone else is told."""

from __future__ import annotations

import grpc
import pytest
from PySide6.QtCore import Qt

from clients.coordinator import CoordinatorClient
from console.models.audit_model import RESULT_COLUMN
from console.pages.audit_page import AuditPage, not_admin_text
from console.status_colours import FAILURE_COLOUR
from tests.console.conftest import activate


def audit_page(window) -> AuditPage:
    return window.audit_page


def rows(page: AuditPage) -> list[list[str]]:
    proxy = page.proxy
    return [
        [proxy.index(row, column).data() for column in range(proxy.columnCount())]
        for row in range(proxy.rowCount())
    ]


async def refused_delete(endpoint) -> None:
    async with CoordinatorClient(endpoint) as client:
        with pytest.raises(grpc.aio.AioRpcError):
            await client.delete_pool("vms")


def test_a_refused_call_appears_on_top_in_red_and_the_filter_finds_it(
    window, one_host_fleet, qtbot, run
):
    fleet = one_host_fleet
    window.connect_to(fleet.coordinator_endpoint())
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = audit_page(window)
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.proxy.rowCount() > 0, timeout=10_000)
    assert any(row[3] == "Enrol" for row in rows(page))  # the fleet's start is on record

    run(refused_delete(fleet.coordinator_endpoint("viewer")))
    qtbot.waitUntil(lambda: rows(page)[0][3] == "DeletePool", timeout=10_000)
    top = rows(page)[0]
    assert top[1:5] == ["local-viewer (viewer)", "127.0.0.1", "DeletePool", "pool vms"]
    assert top[5] == (
        "PERMISSION_DENIED: DeletePool needs the admin role; local-viewer (viewer) may not call it"
    )
    colour = page.proxy.index(0, RESULT_COLUMN).data(Qt.ItemDataRole.ForegroundRole)
    assert colour.name() == FAILURE_COLOUR

    page.table.selectRow(0)
    assert page.detail_label.isVisible()
    assert page.detail_label.text().endswith(
        "local-viewer (viewer) from 127.0.0.1 called DeletePool on pool vms: PERMISSION_DENIED: "
        "DeletePool needs the admin role; local-viewer (viewer) may not call it"
    )

    page.filter_edit.setText("deletepool")
    assert [row[3] for row in rows(page)] == ["DeletePool"]
    page.filter_edit.setText("nothing-like-this")
    assert page.proxy.rowCount() == 0
    assert page.empty_label.text() == "No entry matches the filter."


def test_a_viewer_is_told_the_audit_log_is_for_admins(window, one_host_fleet, qtbot):
    window.connect_to(one_host_fleet.coordinator_endpoint("viewer"))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    window.show_page(5)
    page = audit_page(window)
    assert page.proxy.rowCount() == 0
    assert page.empty_label.text() == not_admin_text("local-viewer", "viewer")
    assert page.empty_label.isVisible()
