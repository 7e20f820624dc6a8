"""Child of console_bench.py: start the console as quantix-console does, report when the main
window has been shown and the event loop has processed the show, then exit.

argv[1] is the wall-clock time at which the parent spawned this process, so the figure covers
interpreter start, imports, QApplication, style and the window: a user's cold start.
"""

import asyncio
import sys
import time

spawned_at = float(sys.argv[1])

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.main_window import MainWindow  # noqa: E402
from console.style import apply_style  # noqa: E402


async def show() -> None:
    window = MainWindow()
    window.show()
    await asyncio.sleep(0)  # one turn of the loop: the show has been processed
    print(f"{time.time() - spawned_at:.4f}", flush=True)
    window.close()
    await window.wait_closed()


app = QApplication([sys.argv[0]])
app.setQuitOnLastWindowClosed(False)
apply_style(app)
qasync.run(show())
