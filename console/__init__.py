"""quantix-console: the PySide6 + qasync desktop app.

Layout (virt-manager style: widgets are thin, rules live in ``domain/``):

- ``app``: command line, QApplication, qasync loop, start-up and clean shutdown
- ``main_window``: sidebar + stacked pages, menus, status bar, built from the page registry
- ``kit/``: what every feature plugs into: ``pages`` (the page registry) and the status kit
  (phase words and tones, status cards, card page, per-host status table)
- ``features``: the list of features, each registering its page, models and actions
  (``hosts/``, ``storage/``, ``audit/``, ``pages/placeholders``, ``view_actions``)
- ``watch`` (Qt-free) and ``watch_bridge`` (QObject): the coordinator's Watch stream
- ``models/``: Qt item models fed by Watch events
- ``pages/``: one module per sidebar page
- ``dialogs/``: one module per dialog
- ``widgets/``: reusable widgets (error view, connection status, host detail)
- ``formatting``, ``tokens``, ``node_detail``, ``demo``: Qt-free helpers
"""
