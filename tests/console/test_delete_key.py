"""Del on a page's list asks to delete (or remove) the selected object, on every page that can
delete one; in the search field it deletes characters. Against the scripted inventory."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from tests.console.conftest import activate

# page -> the attribute holding its list (the widget Del works in), and its delete action
LISTS = {
    "hosts": ("table", "remove_action"),
    "storage": ("view", "actions.delete"),
    "networks": ("view", "delete_action"),
    "clusters": ("table", "delete_action"),
    "images": ("table", "delete_action"),
}


def attribute(page, path: str):
    for name in path.split("."):
        page = getattr(page, name)
    return page


@pytest.mark.parametrize("key", sorted(LISTS))
def test_del_on_the_list_asks_before_deleting_and_not_in_the_search_field(
    inventory_window, qtbot, key
):
    window = inventory_window
    activate(qtbot, window)
    window.show_page_key(key)
    page = window.page(key)
    list_name, action_name = LISTS[key]
    listing = getattr(page, list_name)
    delete = attribute(page, action_name)
    for found in page.palette_objects():  # the first one that can be deleted now
        assert page.reveal_object(found.key)
        if delete.isEnabled():
            break
    assert delete.isEnabled()
    if key == "clusters":
        page.show_list()  # revealing a cluster opens its detail
    listing.setFocus()
    qtbot.waitUntil(listing.hasFocus)

    QTest.keyClick(listing, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    question = QApplication.activeModalWidget()
    said = " ".join(
        [question.windowTitle(), getattr(question, "text", str)()]
        + [label.text() for label in question.findChildren(QLabel)]
    )
    name = found.name.split(" (")[0]  # an image is listed as "NAME (POOL)"
    assert name in said, said
    question.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    search = page.search_field()
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    search.setText("abc")
    search.setCursorPosition(0)
    QTest.keyClick(search, Qt.Key.Key_Delete)
    assert search.text() == "bc"
    assert QApplication.activeModalWidget() is None
