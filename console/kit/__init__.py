"""The console's shared kit: what every feature page plugs into rather than copies.

- ``pages``: the page registry (pages, the Watch-fed models they read, their actions), read
  by the main window's sidebar, stack, menus and shortcuts.
- The status kit, for any object realized on hosts (pool, network, switch): ``phase_text`` and
  ``phase_style`` (a Phase's words, tones, icons), ``status_card`` (what a card shows; the kind
  supplies its words), ``card_model``, ``card_filter``, ``card_delegate``, ``card_layout``,
  ``card_style``, ``card_view`` (the grid), ``card_page`` (tabs, search, summary, grid) and
  ``host_table`` (the per-host status table, with a kind's own columns).
"""
