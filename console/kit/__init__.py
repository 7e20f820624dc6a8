"""The console's shared kit: what every feature page plugs into rather than copies.

- ``pages``: the page registry (pages, the Watch-fed models they read, their actions), read
  by the main window's sidebar, stack, menus and shortcuts.
"""
