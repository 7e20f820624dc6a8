"""Run as a child of the console: prints which of the heavy libraries were already imported
(a child started through the console must not have paid for Qt)."""

import sys

if __name__ == "__main__":
    print(" ".join(name for name in ("PySide6", "qasync") if name in sys.modules) or "none")
