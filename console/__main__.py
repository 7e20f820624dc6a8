"""``python -m console``: the same as the ``quantix-console`` command.

A child of the bundled console (``--quantix-run-module``, see ``console.child_entry``) is run
before ``console.app`` is imported, so it never loads Qt.
"""

import sys

from console.child_entry import run_child_if_asked

if run_child_if_asked(sys.argv[1:]):
    sys.exit(0)

from console.app import main  # imported only once this is not a child

sys.exit(main())
