"""Create cluster: basics → hosts → HA → DRS → defaults → review, then the caller's submit.

The wizard is given plain data (``ClusterWizardInputs``, built from Watch) and makes no call of
its own: Create awaits ``submit(spec, hosts)`` on the event loop (qasync); the Clusters page's
submit sends CreateCluster with every field of the spec (wire.cluster_codec.spec_to_pb). The
wizard closes once it returns. If it raises ``cluster_ops.Refused``, the coordinator's words go
under the field they name, on that field's page (Back is taken there); anything else stays on
the review page. Every step checks its fields as typed with the domain's functions (the ones
the coordinator runs), so Next is enabled only for what the coordinator accepts, and the
broken rule is shown where it applies.

Keyboard: every field has a mnemonic (Alt+letter; N and B are Next and Back), Tab moves,
Space ticks, Enter goes Next (Create on the review page). Back keeps every value. Open it with
``open()`` or ``show()``, never ``exec()`` inside a coroutine (NOTES.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QWidget, QWizard

from console.clusters.cluster_inputs import ClusterWizardInputs
from console.clusters.cluster_ops import Refused
from console.clusters.refusals import refused_field
from console.clusters.wizard_pages.basics_page import BasicsPage
from console.clusters.wizard_pages.defaults_page import DefaultsPage
from console.clusters.wizard_pages.drs_page import DrsPage
from console.clusters.wizard_pages.ha_page import HaPage
from console.clusters.wizard_pages.hosts_page import HostsPage
from console.clusters.wizard_pages.review_page import ReviewPage
from console.wizards.fields_page import FieldsPage
from console.wizards.focus import focus_pages_on_arrival
from domain.cluster_rules import admission_problem, default_problem, membership_conflicts
from domain.clusters import ClusterSpec, validate_cluster_spec
from domain.errors import ValidationError

log = logging.getLogger(__name__)

BASICS_ID, HOSTS_ID, HA_ID, DRS_ID, DEFAULTS_ID, REVIEW_ID = range(6)

# Creates the cluster (asks the coordinator); raises Refused (or anything with a text).
Submit = Callable[[ClusterSpec, tuple[str, ...]], Awaitable[None]]


class CreateClusterWizard(QWizard):
    created = Signal(object)  # the ClusterSpec, once submit has returned

    def __init__(
        self, inputs: ClusterWizardInputs, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createClusterWizard")
        self.setWindowTitle("Create Cluster")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every desktop
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create")
        self.setMinimumSize(QSize(680, 620))
        self.inputs = inputs
        self._submit = submit
        # The submit call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        self.basics_page = BasicsPage(lambda: inputs.clusters)
        self.hosts_page = HostsPage(inputs.hosts, inputs.cluster_of())
        self.ha_page = HaPage(lambda: len(self.hosts_page.chosen_hosts()))
        self.drs_page = DrsPage()
        self.defaults_page = DefaultsPage(
            self.hosts_page.chosen_hosts, inputs.pools, inputs.networks
        )
        self.review_page = ReviewPage(self.validated_spec, self.hosts_page.chosen_hosts)
        self.pages_by_id: dict[int, FieldsPage | HostsPage | ReviewPage] = {
            BASICS_ID: self.basics_page,
            HOSTS_ID: self.hosts_page,
            HA_ID: self.ha_page,
            DRS_ID: self.drs_page,
            DEFAULTS_ID: self.defaults_page,
            REVIEW_ID: self.review_page,
        }
        for page_id, page in self.pages_by_id.items():
            self.setPage(page_id, page)
        self.setStartId(BASICS_ID)
        focus_pages_on_arrival(self)

    # --- what the pages build -------------------------------------------------------------

    def spec(self) -> ClusterSpec:
        """The spec as typed on every page."""
        spec = self.basics_page.fields.apply(ClusterSpec(name=""))
        return dataclasses.replace(
            spec,
            ha=self.ha_page.fields.value(),
            drs=self.drs_page.fields.value(),
            default_pool=self.defaults_page.pool.value(),
            default_network=self.defaults_page.network.value(),
        )

    def hosts(self) -> tuple[str, ...]:
        return self.hosts_page.chosen_hosts()

    def validated_spec(self) -> ClusterSpec:
        """The whole spec, checked by every rule the coordinator runs on create (raises
        ValidationError naming the field)."""
        spec = validate_cluster_spec(self.spec())
        if spec.name in self.inputs.clusters:
            raise ValidationError("name", f"a cluster named {spec.name} exists already")
        hosts = self.hosts()
        conflicts = membership_conflicts(spec.name, hosts, self.inputs.cluster_of())
        if conflicts:
            raise ValidationError("hosts", "; ".join(conflicts))
        problem = admission_problem(spec.ha, len(hosts))
        if problem is not None:
            raise ValidationError("ha.host_failures_to_tolerate", problem)
        for kind, name, placed in (
            ("pool", spec.default_pool, self.inputs.pools),
            ("network", spec.default_network, self.inputs.networks),
        ):
            where = {item.name: item.hosts for item in placed}.get(name)
            problem = default_problem(kind, name, where, hosts)
            if problem is not None:
                raise ValidationError(f"default_{kind}", problem)
        return spec

    def set_cluster_of(self, cluster_of: Mapping[str, str]) -> None:
        """Membership changed elsewhere (Watch): the Hosts step checks its ticks again."""
        self.hosts_page.set_cluster_of(cluster_of)

    # --- Create ---------------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return self._task is not None and not self._task.done()

    def accept(self) -> None:
        """Finish: submit; the wizard closes only once the submit has returned."""
        if self.submitting:
            return
        try:
            spec = self.validated_spec()
        except ValidationError as error:
            # The pages allow nothing invalid through; if something slipped, say what.
            self.review_page.show_error("The cluster settings are not valid", str(error))
            return
        self.review_page.set_busy(f"Creating cluster {spec.name}…")
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self._task = asyncio.get_running_loop().create_task(
            self._create(spec, self.hosts()), name=f"create cluster {spec.name}"
        )

    async def _create(self, spec: ClusterSpec, hosts: tuple[str, ...]) -> None:
        try:
            await self._submit(spec, hosts)
        except Exception as error:  # any refusal: shown, and the wizard stays open
            log.info("cluster %s not created: %s", spec.name, error)
            self.review_page.set_busy("")
            self.button(QWizard.WizardButton.BackButton).setEnabled(True)
            self.review_page.show_error(
                f"Cluster {spec.name} was not created", str(error) or type(error).__name__
            )
            if isinstance(error, Refused):
                field = refused_field(error.failure)
                if field:
                    self.go_to_field(field, error.failure.details or error.failure.text)
            return
        self.review_page.set_busy("")
        self.created.emit(spec)
        super().accept()

    def page_of(self, field: str) -> int | None:
        """The step that holds ``field`` (``ha.vm_monitoring`` is on the HA step)."""
        group = field.split(".", 1)[0].split("[", 1)[0]
        return {
            "name": BASICS_ID,
            "description": BASICS_ID,
            "labels": BASICS_ID,
            "hosts": HOSTS_ID,
            "ha": HA_ID,
            "drs": DRS_ID,
            "default_pool": DEFAULTS_ID,
            "default_network": DEFAULTS_ID,
        }.get(group)

    def go_to_field(self, field: str, text: str) -> bool:
        """Back to the step holding ``field``, the coordinator's words under it, the cursor
        in it."""
        target = self.page_of(field)
        if target is None:
            return False
        while self.currentId() > target:
            self.back()
        page = self.pages_by_id[target]
        if isinstance(page, HostsPage):
            page.show_error(text)
            page.focus_first()
            return True
        if isinstance(page, FieldsPage):
            row = page.row_for(field) or (page.rows()[0] if page.rows() else None)
            if row is not None:
                row.set_server_error(text)
                page.revalidate()
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False

    def done(self, result: int) -> None:
        # Cancel while Create is under way: stop waiting (the coordinator may still create
        # the cluster; if so it appears from Watch like any other).
        if result != QWizard.DialogCode.Accepted and self._task is not None:
            self._task.cancel()
        super().done(result)
