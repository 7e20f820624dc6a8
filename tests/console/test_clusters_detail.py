"""A cluster's detail on real widgets: the Settings tab shows every field of the cluster, Save
sends exactly the changed paths, Revert restores, a refusal goes under its field, edits survive
a change made elsewhere; the Hosts tab refuses a removal that breaks HA admission control up
front with the rule's sentence, confirms one that does not saying what changes, and enters
maintenance; Add hosts… says why it cannot add a host the default pool is not on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.clusters.add_hosts_dialog import AddHostsDialog
from console.clusters.cluster_detail import HOSTS_TAB, SETTINGS_TAB, ClusterDetail
from console.clusters.clusters_model import ClustersModel
from console.models.hosts_model import HostsModel
from console.models.pools_model import PoolsModel
from console.networks.networks_model import NetworksModel
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.cluster_calls import RecordingCalls, refusal
from tests.console.cluster_messages import (
    cluster_event,
    make_cluster,
    make_node,
    nodes_snapshot,
    snapshot,
)
from tests.console.conftest import activate
from tests.console.storage_messages import host_status, make_pool, nfs_spec, pool_snapshot

UPDATED = pb.WatchEvent.TYPE_UPDATED
# Every field away from its default, so a field shown wrong cannot pass unseen.
SPEC = ClusterSpec(
    name="prod",
    description="Production",
    labels=(("env", "prod"), ("rack", "r12")),
    ha=HaSettings(
        enabled=True,
        admission_control=True,
        host_failures_to_tolerate=2,
        host_monitoring=False,
        vm_monitoring=True,
        restart_priority=RestartPriority.HIGHEST,
        isolation_response=IsolationResponse.SHUT_DOWN,
    ),
    drs=DrsSettings(
        enabled=True,
        automation=DrsAutomation.PARTIALLY_AUTOMATED,
        migration_threshold=5,
        power_management=True,
    ),
    default_pool="nfs-a",
    default_network="",
)
MEMBERS = ("host-a", "host-b", "host-c")


@pytest.fixture
def calls(unreachable):
    return RecordingCalls(unreachable)


@pytest.fixture
def detail(qtbot, calls):
    hosts = HostsModel()
    hosts.apply_events(
        nodes_snapshot(
            make_node("host-a"),
            make_node("host-b"),
            make_node("host-c", pb.NODE_STATUS_MAINTENANCE),
            make_node("host-d"),
            make_node("host-e"),
        )
    )
    clusters = ClustersModel()
    clusters.apply_events(
        snapshot([cluster_event(pb.WatchEvent.TYPE_ADDED, make_cluster(SPEC, MEMBERS))])
    )
    pools = PoolsModel()
    pools.apply_events(
        pool_snapshot(
            [
                make_pool(
                    nfs_spec("nfs-a"),
                    hosts=[host_status(h) for h in ("host-a", "host-b", "host-c", "host-d")],
                )
            ]
        )
    )
    detail = ClusterDetail(clusters, hosts, pools, NetworksModel(), calls)
    for model in (hosts, clusters, pools):
        model.setParent(detail)
    qtbot.addWidget(detail)
    detail.resize(1000, 760)
    detail.show()
    qtbot.waitExposed(detail)
    detail.show_cluster("prod")
    activate(qtbot, detail)
    return detail


def test_the_settings_tab_shows_every_field(detail):
    detail.tabs.setCurrentIndex(SETTINGS_TAB)
    tab = detail.settings
    form = tab.form
    assert tab.current_spec() == SPEC
    assert form.basics.description.editor.text() == "Production"
    assert form.basics.labels.editor.text() == "env=prod, rack=r12"
    ha, drs = form.ha, form.drs
    assert ha.enabled.isChecked() and ha.admission_control.isChecked()
    assert ha.failures.editor.text() == "2"
    assert not ha.host_monitoring.isChecked() and ha.vm_monitoring.isChecked()
    assert ha.restart_priority.editor.currentText() == "Highest"
    assert ha.isolation_response.editor.currentText() == "Shut down VMs"
    assert drs.enabled.isChecked() and drs.power_management.isChecked()
    assert drs.automation.editor.currentText() == "Partially automated"
    assert drs.threshold.editor.currentText() == "5 — Aggressive"
    assert form.pool.combo.currentText() == "nfs-a"
    assert form.network.combo.currentText() == "None"
    assert tab.status.text() == "No changes."
    assert not tab.save_button.isEnabled() and not tab.revert_button.isEnabled()


def test_save_sends_exactly_the_changed_paths_and_revert_restores(detail, calls, qtbot):
    detail.tabs.setCurrentIndex(SETTINGS_TAB)
    tab = detail.settings
    form = tab.form
    form.basics.description.editor.setFocus()
    qtbot.keyClicks(form.basics.description.editor, " EU")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not form.ha.vm_monitoring.isChecked())
    form.drs.threshold.editor.setFocus()
    qtbot.keyClick(form.drs.threshold.editor, Qt.Key.Key_Up)  # 5 -> 4
    assert tab.changed_paths() == ("description", "ha.vm_monitoring", "drs.migration_threshold")
    assert tab.status.text() == "3 changes: description, ha.vm_monitoring, drs.migration_threshold"
    assert tab.save_button.isEnabled()

    # Revert: the stored settings again.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: tab.current_spec() == SPEC)
    assert tab.status.text() == "No changes."

    form.basics.description.editor.setFocus()
    qtbot.keyClicks(form.basics.description.editor, " EU")
    form.drs.automation.editor.setFocus()
    qtbot.keyClick(form.drs.automation.editor, Qt.Key.Key_Down)  # partially -> fully
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(calls.calls))
    name, (spec, paths) = calls.calls[0]
    assert name == "update"
    assert paths == ("description", "drs.automation")
    assert spec.description == "Production EU"
    assert spec.drs.automation is DrsAutomation.FULLY_AUTOMATED
    qtbot.waitUntil(lambda: tab.status.text() == "No changes.")


def test_a_refusal_goes_under_its_field_and_edits_survive_a_change_elsewhere(detail, calls, qtbot):
    detail.tabs.setCurrentIndex(SETTINGS_TAB)
    tab = detail.settings
    ha = tab.form.ha
    ha.failures.editor.setFocus()
    qtbot.keyClick(ha.failures.editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(ha.failures.editor, "3")
    # 3 members cannot tolerate 3 failures with admission control: said before Save.
    problem = (
        "HA admission control tolerating 3 host failures needs at least 4 hosts; the cluster "
        "has 3 hosts"
    )
    assert ha.failures.rule_label.text() == problem
    assert not tab.save_button.isEnabled()
    qtbot.keyClick(ha.failures.editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(ha.failures.editor, "1")
    # The coordinator refuses anyway (a member went away meanwhile): under the field.
    calls.failure = refusal("HA admission control tolerating 1 host failure needs at least 2")
    tab.save()
    qtbot.waitUntil(lambda: bool(calls.calls))
    qtbot.waitUntil(
        lambda: (
            ha.failures.rule_label.text()
            == "HA admission control tolerating 1 host failure needs at least 2"
        )
    )
    assert "refused (FAILED_PRECONDITION)" in tab.status.text()

    # Someone else changes the description: the edit of failures is kept, and said; the
    # description follows theirs, so Save does not put the old one back.
    elsewhere = make_cluster(
        ClusterSpec(**{**SPEC.__dict__, "description": "Changed elsewhere"}), MEMBERS
    )
    detail.clusters.apply_event(cluster_event(UPDATED, elsewhere))
    qtbot.waitUntil(lambda: tab.stored is not None and tab.stored.description != SPEC.description)
    assert ha.failures.editor.text() == "1"
    assert tab.form.basics.description.editor.text() == "Changed elsewhere"
    assert tab.changed_paths() == ("ha.host_failures_to_tolerate",)
    # Typed again (the refusal under it is about the value before): saved.
    qtbot.keyClick(ha.failures.editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(ha.failures.editor, "1")
    assert tab.status.text().startswith("The cluster's settings were changed elsewhere")
    tab.save()
    qtbot.waitUntil(lambda: len(calls.calls) == 2)
    sent, paths = calls.calls[-1][1]
    assert paths == ("ha.host_failures_to_tolerate",)
    assert sent.description == "Changed elsewhere" and sent.ha.host_failures_to_tolerate == 1


def test_a_change_elsewhere_keeps_text_that_breaks_a_rule(detail, qtbot):
    detail.tabs.setCurrentIndex(SETTINGS_TAB)
    tab = detail.settings
    form = tab.form
    form.basics.description.editor.setFocus()
    qtbot.keyClicks(form.basics.description.editor, " EU")
    form.basics.labels.editor.setFocus()
    qtbot.keyClicks(form.basics.labels.editor, ", b@d")
    assert form.basics.labels.rule_label.text()  # broken: Save is off
    elsewhere = make_cluster(
        ClusterSpec(**{**SPEC.__dict__, "drs": DrsSettings(enabled=False)}), MEMBERS
    )
    detail.clusters.apply_event(cluster_event(UPDATED, elsewhere))
    qtbot.waitUntil(lambda: tab.stored is not None and not tab.stored.drs.enabled)
    assert not form.drs.enabled.isChecked()
    assert form.basics.labels.editor.text() == "env=prod, rack=r12, b@d"
    assert form.basics.description.editor.text() == "Production EU"
    assert tab.changed_paths() == ("description",)


def test_removal_is_refused_up_front_when_it_breaks_admission_control(detail, calls, qtbot):
    detail.tabs.setCurrentIndex(HOSTS_TAB)
    tab = detail.hosts_tab
    tab.select_hosts(["host-a"])
    assert not tab.remove_button.isEnabled()
    assert tab.note.text() == (
        "removing host-a would leave 2 hosts, but HA admission control tolerating 2 host "
        "failures needs at least 3 hosts; lower host failures to tolerate or turn admission "
        "control off first"
    )
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    assert QApplication.activeModalWidget() is None
    assert calls.calls == []


def test_remove_confirms_what_changes_and_maintenance_uses_set_node_maintenance(
    detail, calls, qtbot
):
    relaxed = make_cluster(
        ClusterSpec(**{**SPEC.__dict__, "ha": HaSettings(enabled=True)}), MEMBERS
    )
    detail.clusters.apply_event(cluster_event(UPDATED, relaxed))
    qtbot.waitUntil(lambda: detail.settings.stored.ha == HaSettings(enabled=True))
    detail.tabs.setCurrentIndex(HOSTS_TAB)
    tab = detail.hosts_tab
    assert tab.table.item(2, 1).text() == "Maintenance"
    tab.select_hosts(["host-c"])
    assert tab.exit_button.isEnabled() and not tab.enter_button.isEnabled()
    tab.select_hosts(["host-b"])
    assert tab.remove_button.isEnabled()
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box.text() == (
        "Remove host-b from cluster prod?\n\nhost-b stays registered and keeps its pools and "
        "networks, but prod's HA and DRS settings no longer cover its VMs, and it can join "
        "another cluster. prod then has 2 hosts."
    )
    next(b for b in box.buttons() if b.text() == "&Remove").click()
    qtbot.waitUntil(lambda: len(calls.calls) == 1)
    assert calls.calls == [("remove_hosts", ("prod", ("host-b",)))]

    tab.select_hosts(["host-a", "host-b"])
    qtbot.waitUntil(tab.enter_button.isEnabled)
    tab.enter_button.click()
    qtbot.waitUntil(lambda: len(calls.calls) == 2)
    assert calls.calls[1] == ("set_maintenance", (("host-a", "host-b"), True))


def test_add_hosts_says_why_a_host_without_the_default_pool_cannot_join(detail, calls, qtbot):
    detail.tabs.setCurrentIndex(HOSTS_TAB)
    dialog = detail.open_add_dialog()
    assert isinstance(dialog, AddHostsDialog)
    qtbot.waitUntil(dialog.isVisible)
    picker = dialog.picker
    texts = [picker.list.item(r).text() for r in range(picker.list.count())]
    assert texts == ["host-d", "host-e"]
    assert not dialog.footer.ok_button.isEnabled()
    assert dialog.footer.reason.text() == "Tick the hosts to add (Space ticks)."
    picker.list.setFocus()
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)  # host-e: nfs-a is not there
    assert not dialog.footer.ok_button.isEnabled()
    assert dialog.footer.reason.text() == (
        "The cluster's default pool nfs-a is not on host-e; assign it there first or choose "
        "another pool"
    )
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)
    qtbot.keyClick(picker.list, Qt.Key.Key_Up)
    qtbot.keyClick(picker.list, Qt.Key.Key_Space)  # host-d has it
    assert dialog.footer.ok_button.isEnabled()
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.add_dialog is None)  # closed once the coordinator said yes
    assert calls.calls == [("add_hosts", ("prod", ("host-d",)))]
