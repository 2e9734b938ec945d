"""Rows and columns of a screen written as what they hold, in order.

An item is a widget, a layout, STRETCH (the free space goes there) or (widget, stretch factor)."""

from __future__ import annotations

from typing import Union

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QVBoxLayout, QWidget

STRETCH = None
Item = Union[QWidget, QLayout, None, tuple[QWidget, int]]


def _fill(box: QBoxLayout, items: tuple[Item, ...]) -> QBoxLayout:
    for item in items:
        if item is STRETCH:
            box.addStretch(1)
        elif isinstance(item, tuple):
            box.addWidget(*item)
        elif isinstance(item, QLayout):
            box.addLayout(item)
        else:
            box.addWidget(item)
    return box


def hbox(*items: Item) -> QHBoxLayout:
    """Side by side; under right-to-left layout the first item is at the right."""
    return _fill(QHBoxLayout(), items)


def vbox(parent: QWidget | None, *items: Item) -> QVBoxLayout:
    """One above another; with `parent`, the parent's own layout."""
    return _fill(QVBoxLayout(parent) if parent is not None else QVBoxLayout(), items)
