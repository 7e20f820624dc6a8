"""One host's recent usage in the console: a fixed ring of slots per metric. Qt-free.

Slots are absolute (slot n covers [n * step, (n + 1) * step) seconds since the epoch, on the
coordinator's clock), so every host's ring lines up with every other's and with the
coordinator's history (domain.usage: a later sample in the same slot replaces it). The values
live in two ``array('f')`` of ``capacity`` floats indexed by ``slot % capacity``: a sample costs
two stores into C arrays, never a Python object kept per sample, and the ring never grows.
NaN marks a slot no sample reached (a gap).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

NAN = math.nan


def nan_array(length: int) -> array[float]:
    return array("f", [NAN]) * length


class UsageRing:
    """The last ``capacity`` slots of one host's CPU and memory fractions (0..1, NaN: none)."""

    __slots__ = ("capacity", "cpu", "end_slot", "memory")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.cpu = nan_array(capacity)
        self.memory = nan_array(capacity)
        self.end_slot = -1  # the newest slot held; -1: nothing yet

    def put(self, slot: int, cpu: float, memory: float) -> bool:
        """A sample measured in ``slot``; False (and nothing kept) when it is older than the
        ring reaches."""
        if slot > self.end_slot:
            self._advance(slot)
        elif slot <= self.end_slot - self.capacity:
            return False
        index = slot % self.capacity
        self.cpu[index] = cpu
        self.memory[index] = memory
        return True

    def _advance(self, slot: int) -> None:
        """Make ``slot`` the newest, emptying the slots passed over (no sample reached them)."""
        if self.end_slot >= 0:
            for skipped in range(self.end_slot + 1, min(slot, self.end_slot + self.capacity + 1)):
                index = skipped % self.capacity
                self.cpu[index] = NAN
                self.memory[index] = NAN
        self.end_slot = slot

    def window(self, end_slot: int) -> tuple[array[float], array[float]]:
        """CPU and memory of the ``capacity`` slots ending at ``end_slot``, oldest first."""
        return self._ordered(self.cpu, end_slot), self._ordered(self.memory, end_slot)

    def _ordered(self, values: array[float], end_slot: int) -> array[float]:
        capacity = self.capacity
        if self.end_slot < 0:
            return nan_array(capacity)
        split = (self.end_slot + 1) % capacity
        ordered = values[split:] + values[:split]  # oldest first, ending at self.end_slot
        shift = end_slot - self.end_slot
        if shift >= capacity or shift <= -capacity:
            return nan_array(capacity)
        if shift > 0:  # the window reaches past the newest sample: empty slots after it
            return ordered[shift:] + nan_array(shift)
        if shift < 0:  # the window ends before the newest sample: empty slots before it
            return nan_array(-shift) + ordered[: capacity + shift]
        return ordered

    def load_history(self, start_slot: int, cpu: Sequence[float], memory: Sequence[float]) -> None:
        """The coordinator's record of slots ``start_slot``.. (either list may be shorter).

        The history is the authority for its slots, gaps included (the coordinator records a
        sample before it publishes it); slots after it keep what live samples brought
        meanwhile.
        """
        length = min(len(cpu), len(memory))
        if length == 0:
            return
        history_end = start_slot + length - 1
        end = max(history_end, self.end_slot)
        first = end - self.capacity + 1
        # What the ring holds outside the history's slots stays (live samples newer than it,
        # anything older than its start); its own slots are replaced by it.
        merged_cpu, merged_memory = self.window(end)
        skip = max(0, first - start_slot)
        if skip < length:
            at = start_slot + skip - first
            count = length - skip
            merged_cpu[at : at + count] = array("f", cpu[skip:length])
            merged_memory[at : at + count] = array("f", memory[skip:length])
        split = self.capacity - (end + 1) % self.capacity
        self.cpu = merged_cpu[split:] + merged_cpu[:split]
        self.memory = merged_memory[split:] + merged_memory[:split]
        self.end_slot = end

    def newest(self) -> tuple[int, float, float] | None:
        """The newest slot that has a sample, with its values; None when none has."""
        if self.end_slot < 0:
            return None
        for slot in range(self.end_slot, self.end_slot - self.capacity, -1):
            index = slot % self.capacity
            cpu, memory = self.cpu[index], self.memory[index]
            if not (math.isnan(cpu) and math.isnan(memory)):
                return slot, cpu, memory
        return None
