"""Running case-list queries off the GUI thread, so typing and scrolling never freeze.

A search over 150,000 files can take a few hundred milliseconds on a clinic's old PC. The
loader runs count + first page (and later pages while scrolling) as the runner's operations
(app.ui.machinery.runner) in two one-at-a-time lanes and hands the results on in the GUI thread.
Each search is a generation of its lane; a result whose search has since been replaced by a
newer one is dropped unseen, and a search replaced before its turn is not run at all.
The work only calls services; it never touches a widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.ui.machinery.runner import Lane, op

log = logging.getLogger(__name__)


UNCOUNTED = -1  # searched's count when the first page is full: counted(...) follows


class QueryLoader(QObject):
    """searched(generation, query, count, first_page) / counted(generation, query, count) /
    paged(query, page_number, rows) / failed(generation, error), in the GUI thread.

    A first page that is full is sent before the rows are counted, with the count UNCOUNTED:
    counting the thousands of files a first name or a single letter matches can take longer
    than finding the first hundred, and the typist is waiting for those."""

    searched = Signal(int, object, int, object)
    counted = Signal(int, object, int)
    paged = Signal(object, int, object)
    failed = Signal(int, object)

    def __init__(self, count: Callable[[Any], int],
                 page: Callable[[Any, int, int], list], page_size: int,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._count = count
        self._page = page
        self.page_size = page_size
        self._pending_pages: set[tuple[Any, int]] = set()
        self._closed = False
        # One lane each: searches queue behind one another (replaced ones are skipped), and a
        # slow search never holds up the pages of the list already on screen.
        self._searches = Lane(one_at_a_time=True)
        self._pages = Lane(one_at_a_time=True)

    @property
    def generation(self) -> int:
        return self._searches.generation

    def search(self, query: Any) -> int:
        """Count and fetch the first page of query; returns the search's generation number."""
        if self._closed:
            return self._searches.generation  # the page is closing; nothing will show the result
        generation = self._searches.next()
        (op(self._page, query, 0, self.page_size)
            .success(lambda rows: self._found(generation, query, rows))
            .failure(lambda error: self.failed.emit(generation, error))
            .in_lane(self._searches, generation)
            .run_in_background(self))
        return generation

    def count(self, query: Any) -> int:
        """Count query's rows in the background (its first page is already on screen): emits
        counted with the current generation, unless a search replaces it first."""
        generation = self._searches.generation
        if not self._closed:
            self._count_in(generation, query)
        return generation

    def is_current(self, generation: int) -> bool:
        return self._searches.is_current(generation)

    def _found(self, generation: int, query: Any, rows: list) -> None:
        # A first page that is not full is the whole answer: no second query to count it
        # (most searches for a name or a number end here).
        full = len(rows) >= self.page_size
        if full:
            self._count_in(generation, query)  # counts while the rows are being painted
        self.searched.emit(generation, query, UNCOUNTED if full else len(rows), rows)

    def _count_in(self, generation: int, query: Any) -> None:
        (op(self._count, query)
            .success(lambda count: self.counted.emit(generation, query, count))
            .failure(lambda error: self.failed.emit(generation, error))
            .in_lane(self._searches, generation)
            .run_in_background(self))

    def load_page(self, query: Any, number: int) -> None:
        key = (query, number)
        if key in self._pending_pages or self._closed:
            return
        self._pending_pages.add(key)
        (op(self._page, query, number * self.page_size, self.page_size)
            .success(lambda rows: self._paged(key, rows))
            .failure(lambda error: self._page_failed(key, error))
            .in_lane(self._pages, self._pages.generation)
            .run_in_background(self))

    def _paged(self, key: tuple[Any, int], rows: list) -> None:
        self._pending_pages.discard(key)
        self.paged.emit(key[0], key[1], rows)

    def _page_failed(self, key: tuple[Any, int], error: BaseException) -> None:
        self._pending_pages.discard(key)
        log.warning("case list page %s failed: %s", key[1], error)

    def shutdown(self, timeout: float | None = 0) -> bool:
        """Stop taking work, drop what is queued, and wait up to `timeout` seconds (None: as
        long as it takes) for a query already running; True when none is left running."""
        self._closed = True
        searches_done = self._searches.close(timeout)
        return self._pages.close(timeout) and searches_done
