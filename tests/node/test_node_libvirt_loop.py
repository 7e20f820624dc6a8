"""libvirt's event loop bridge: watches and timers changed from worker threads.

libvirt calls the event implementation from whichever thread makes a libvirt call, and the
daemon makes every libvirt call in a worker thread. The loops run in asyncio debug mode, which
raises on any loop operation made from the wrong thread.
"""

from __future__ import annotations

import asyncio
import os
import threading

import libvirt
import libvirtaio
import pytest

from node_daemon.libvirt_loop import ThreadSafeEventImpl

READABLE = libvirt.VIR_EVENT_HANDLE_READABLE
# Bounds a broken bridge; a working one dispatches within a few loop iterations.
DEADLINE_S = 5.0


@pytest.fixture
def freed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Opaque values libvirt would free (the real call needs a libvirt-made opaque)."""
    values: list[object] = []
    monkeypatch.setattr(libvirt, "virEventInvokeFreeCallback", values.append)
    return values


async def a_few_loop_iterations() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


def test_file_watch_from_a_worker_thread_dispatches_on_the_loop(freed: list[object]) -> None:
    calls: list[tuple[int, int, int, object, int]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        impl = ThreadSafeEventImpl(loop)
        dispatched = asyncio.Event()

        def callback(watch: int, fd: int, events: int, opaque: object) -> None:
            calls.append((watch, fd, events, opaque, threading.get_ident()))
            dispatched.set()

        read_end, write_end = os.pipe()
        try:
            watch = await asyncio.to_thread(impl._add_handle, read_end, READABLE, callback, "op")
            os.write(write_end, b"x")  # never read: the fd stays readable
            await asyncio.wait_for(dispatched.wait(), DEADLINE_S)
            assert calls[0] == (watch, read_end, READABLE, "op", threading.get_ident())

            assert await asyncio.to_thread(impl._remove_handle, watch) == 0
            seen = len(calls)
            await a_few_loop_iterations()
            assert len(calls) == seen  # removed: never dispatched again
            assert await asyncio.to_thread(impl._remove_handle, watch) == -1
            await asyncio.wait_for(impl.drain(), DEADLINE_S)
            assert impl.is_idle()
        finally:
            os.close(read_end)
            os.close(write_end)

    asyncio.run(scenario())
    assert freed == ["op"]


def test_timer_from_a_worker_thread_fires_on_the_loop(freed: list[object]) -> None:
    fired: list[tuple[int, object, int]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        impl = ThreadSafeEventImpl(loop)
        dispatched = asyncio.Event()

        def callback(timer: int, opaque: object) -> None:
            fired.append((timer, opaque, threading.get_ident()))
            dispatched.set()

        timer = await asyncio.to_thread(impl._add_timeout, -1, callback, "op")  # disabled
        await a_few_loop_iterations()
        assert fired == []
        await asyncio.to_thread(impl._update_timeout, timer, 0)  # fire on every iteration
        await asyncio.wait_for(dispatched.wait(), DEADLINE_S)
        assert fired[0] == (timer, "op", threading.get_ident())

        assert await asyncio.to_thread(impl._remove_timeout, timer) == 0
        seen = len(fired)
        await a_few_loop_iterations()
        assert len(fired) == seen
        await asyncio.wait_for(impl.drain(), DEADLINE_S)
        assert impl.is_idle()

    asyncio.run(scenario())
    assert freed == ["op"]


def test_plain_libvirtaio_is_not_safe_from_worker_threads() -> None:
    """Why the bridge exists. If this starts failing, libvirtaio became thread-safe upstream
    and ``ThreadSafeEventImpl`` can go."""

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        impl = libvirtaio.virEventAsyncIOImpl(loop)
        with pytest.raises(RuntimeError, match="Non-thread-safe operation"):
            await asyncio.to_thread(impl._add_timeout, 0, lambda *_: None, None)
        for task in asyncio.all_tasks() - {asyncio.current_task()}:
            task.cancel()

    asyncio.run(scenario())
