"""``python -m node_daemon``: the same as the ``quantix-node`` entry point."""

from node_daemon.server import main

raise SystemExit(main())
