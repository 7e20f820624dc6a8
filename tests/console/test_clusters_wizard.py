"""The Create Cluster wizard on real widgets, by keyboard alone: two hosts with HA on and every
other setting changed from its default, the spec submitted checked field by field; Next
disabled with the rule's words for each rule (a taken name, bad labels, admission control with
too few hosts, failures out of range, a host that joined another cluster meanwhile); a default
pool not on every chosen host offered greyed out; a refusal put under its field, on its page."""

from __future__ import annotations

import grpc
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

from console.clusters.cluster_inputs import ClusterWizardInputs, HostChoice
from console.clusters.cluster_ops import Refused
from console.clusters.create_cluster_wizard import (
    BASICS_ID,
    DEFAULTS_ID,
    DRS_ID,
    HA_ID,
    HOSTS_ID,
    REVIEW_ID,
    CreateClusterWizard,
)
from console.clusters.fields import Placed
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.cluster_calls import refusal
from tests.console.conftest import activate

ALT = Qt.KeyboardModifier.AltModifier
INPUTS = ClusterWizardInputs(
    hosts=(
        HostChoice("host-c", pb.NODE_STATUS_OFFLINE),
        HostChoice("host-b"),
        HostChoice("host-a"),
        HostChoice("host-d", cluster="prod"),
    ),
    pools=(
        Placed("nfs-a", frozenset({"host-a", "host-b"})),
        Placed("local-c", frozenset({"host-c"})),
    ),
    networks=(Placed("lab", frozenset({"host-a", "host-b", "host-c"})),),
    clusters=frozenset({"prod"}),
)


class Recorder:
    def __init__(self) -> None:
        self.submitted: list[tuple[ClusterSpec, tuple[str, ...]]] = []
        self.error: Exception | None = None

    async def __call__(self, spec: ClusterSpec, hosts: tuple[str, ...]) -> None:
        self.submitted.append((spec, hosts))
        if self.error is not None:
            raise self.error


@pytest.fixture
def submit():
    return Recorder()


@pytest.fixture
def wizard(qtbot, submit):
    wizard = CreateClusterWizard(INPUTS, submit)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    activate(qtbot, wizard)
    return wizard


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def enter(qtbot, wizard, page_id):
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == page_id)


def next_enabled(wizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def mnemonic(qtbot, key, until):
    press(qtbot, key, ALT)
    qtbot.waitUntil(until)


def shows_error(row, text: str) -> bool:
    label = row.rule_label
    return label.isVisible() and label.property("state") == "error" and label.text() == text


def host_texts(wizard) -> list[str]:
    items = wizard.hosts_page.picker.list
    return [items.item(row).text() for row in range(items.count())]


def to_hosts(qtbot, wizard, name="edge"):
    assert focused() is wizard.basics_page.fields.name.editor
    qtbot.keyClicks(focused(), name)
    enter(qtbot, wizard, HOSTS_ID)


def tick_first_two(qtbot, wizard):
    assert focused() is wizard.hosts_page.picker.list
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    assert wizard.hosts_page.chosen_hosts() == ("host-a", "host-b")


def test_keyboard_alone_creates_a_cluster_with_two_hosts_and_ha_on(wizard, submit, qtbot):
    fields = wizard.basics_page.fields
    qtbot.keyClicks(focused(), "edge")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "Edge sites")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "env=prod, rack=r12")
    assert fields.labels.value == "env=prod, rack=r12"
    enter(qtbot, wizard, HOSTS_ID)
    # Hosts in no other cluster, connected first: host-d (in prod) is not offered.
    assert host_texts(wizard) == ["host-a", "host-b", "host-c — offline"]
    tick_first_two(qtbot, wizard)
    enter(qtbot, wizard, HA_ID)

    ha = wizard.ha_page.fields
    assert focused() is ha.enabled
    press(qtbot, Qt.Key.Key_Space)  # HA on
    assert ha.enabled.isChecked() and next_enabled(wizard)  # 2 hosts > 1 failure tolerated
    mnemonic(qtbot, Qt.Key.Key_S, lambda: ha.vm_monitoring.isChecked())  # VM monitoring
    mnemonic(qtbot, Qt.Key.Key_M, lambda: not ha.host_monitoring.isChecked())
    mnemonic(qtbot, Qt.Key.Key_R, lambda: focused() is ha.restart_priority.editor)
    press(qtbot, Qt.Key.Key_Down)  # Medium -> High
    mnemonic(qtbot, Qt.Key.Key_I, lambda: focused() is ha.isolation_response.editor)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # Leave powered on -> Shut down -> Power off
    enter(qtbot, wizard, DRS_ID)

    drs = wizard.drs_page.fields
    assert focused() is drs.enabled
    press(qtbot, Qt.Key.Key_Space)  # DRS on
    mnemonic(qtbot, Qt.Key.Key_A, lambda: focused() is drs.automation.editor)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)  # Manual -> Fully automated
    mnemonic(qtbot, Qt.Key.Key_T, lambda: focused() is drs.threshold.editor)
    press(qtbot, Qt.Key.Key_Up)  # 3 -> 2
    mnemonic(qtbot, Qt.Key.Key_P, lambda: drs.power_management.isChecked())
    assert drs.threshold.editor.currentText() == "2"
    enter(qtbot, wizard, DEFAULTS_ID)

    defaults = wizard.defaults_page
    mnemonic(qtbot, Qt.Key.Key_P, lambda: focused() is defaults.pool.combo)
    press(qtbot, Qt.Key.Key_Down)  # None -> nfs-a (local-c is not on host-a and host-b)
    mnemonic(qtbot, Qt.Key.Key_W, lambda: focused() is defaults.network.combo)
    press(qtbot, Qt.Key.Key_Down)  # None -> lab
    enter(qtbot, wizard, REVIEW_ID)
    values = {label: value.text() for label, value in wizard.review_page.values.items()}
    assert values["Hosts"] == "host-a, host-b"
    # quantixctl's phrases (clients.present_clusters), so both say the same.
    assert values["High availability"] == (
        "On: tolerates 1 host failure, admission control on, restart priority high, "
        "isolation: power off VMs; monitoring: hosts off, VMs on"
    )
    assert values["Load balancing (DRS)"] == "On: fully automated, threshold 2, power management on"
    press(qtbot, Qt.Key.Key_Return)  # Create
    qtbot.waitUntil(lambda: not wizard.isVisible())

    assert submit.submitted == [
        (
            ClusterSpec(
                name="edge",
                description="Edge sites",
                labels=(("env", "prod"), ("rack", "r12")),
                ha=HaSettings(
                    enabled=True,
                    admission_control=True,
                    host_failures_to_tolerate=1,
                    host_monitoring=False,
                    vm_monitoring=True,
                    restart_priority=RestartPriority.HIGH,
                    isolation_response=IsolationResponse.POWER_OFF,
                ),
                drs=DrsSettings(
                    enabled=True,
                    automation=DrsAutomation.FULLY_AUTOMATED,
                    migration_threshold=2,
                    power_management=True,
                ),
                default_pool="nfs-a",
                default_network="lab",
            ),
            ("host-a", "host-b"),
        )
    ]


def test_next_says_why_it_is_disabled_on_the_basics(wizard, qtbot):
    fields = wizard.basics_page.fields
    qtbot.keyClicks(focused(), "prod")
    assert not next_enabled(wizard)
    assert shows_error(fields.name, "A cluster named prod exists already")
    qtbot.keyClicks(focused(), "2")
    assert next_enabled(wizard)
    fields.labels.editor.setFocus()
    qtbot.keyClicks(focused(), "env=prod, env=test")
    assert not next_enabled(wizard)
    assert shows_error(fields.labels, "Key 'env' is given twice")
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "=x")
    assert shows_error(fields.labels, "A label's key is required")


def test_admission_control_needs_more_hosts_than_failures_shown_on_the_ha_page(wizard, qtbot):
    to_hosts(qtbot, wizard)
    press(qtbot, Qt.Key.Key_Space)  # host-a only
    enter(qtbot, wizard, HA_ID)
    ha = wizard.ha_page.fields
    assert "starts with 1 host." in wizard.ha_page.subTitle()
    press(qtbot, Qt.Key.Key_Space)  # HA on, admission control on, 1 failure tolerated
    assert not next_enabled(wizard)
    assert shows_error(
        ha.failures,
        "HA admission control tolerating 1 host failure needs at least 2 hosts; "
        "the cluster has 1 host",
    )
    mnemonic(qtbot, Qt.Key.Key_A, lambda: not ha.admission_control.isChecked())
    assert next_enabled(wizard)
    mnemonic(qtbot, Qt.Key.Key_F, lambda: focused() is ha.failures.editor)
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "0")
    assert not next_enabled(wizard)
    assert shows_error(ha.failures, "Must be from 1 to 31 (got 0)")
    # Back to the hosts, more of them: admission control holds again.
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "2")
    mnemonic(qtbot, Qt.Key.Key_A, lambda: ha.admission_control.isChecked())
    assert not next_enabled(wizard)
    wizard.back()
    wizard.hosts_page.picker.set_all(True)
    wizard.next()
    assert wizard.currentId() == HA_ID and next_enabled(wizard)  # 3 hosts > 2


def test_a_host_that_joined_another_cluster_meanwhile_is_refused_on_the_hosts_page(wizard, qtbot):
    to_hosts(qtbot, wizard)
    press(qtbot, Qt.Key.Key_Space)
    assert next_enabled(wizard)
    wizard.set_cluster_of({"host-a": "prod", "host-d": "prod"})  # from Watch
    assert not next_enabled(wizard)
    assert wizard.hosts_page.rule_label.text() == (
        "host-a is already in cluster prod; remove it there first"
    )
    press(qtbot, Qt.Key.Key_Space)  # untick it
    assert next_enabled(wizard)
    assert wizard.hosts_page.rule_label.text().startswith("No host ticked")


def test_defaults_offer_only_what_is_on_every_chosen_host(wizard, qtbot):
    to_hosts(qtbot, wizard)
    wizard.hosts_page.picker.set_all(True)  # host-a, host-b and host-c
    wizard.next()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == DEFAULTS_ID
    pool = wizard.defaults_page.pool.combo
    texts = [pool.itemText(i) for i in range(pool.count())]
    assert texts == ["None", "local-c — not on host-a, host-b", "nfs-a — not on host-c"]
    model = pool.model()
    assert not model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsEnabled
    assert model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "pool nfs-a is not on host-c; assign it there first or choose another pool"
    )
    network = wizard.defaults_page.network.combo
    assert [network.itemText(i) for i in range(network.count())] == ["None", "lab"]


def test_a_refusal_goes_under_its_field_on_its_page(wizard, submit, qtbot):
    to_hosts(qtbot, wizard, "edge")
    enter(qtbot, wizard, HA_ID)
    enter(qtbot, wizard, DRS_ID)
    enter(qtbot, wizard, DEFAULTS_ID)
    enter(qtbot, wizard, REVIEW_ID)
    submit.error = Refused(refusal("cluster edge exists already", grpc.StatusCode.ALREADY_EXISTS))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() == BASICS_ID)
    name = wizard.basics_page.fields.name
    assert shows_error(name, "cluster edge exists already")
    assert focused() is name.editor
    assert not next_enabled(wizard)
    assert wizard.isVisible()
