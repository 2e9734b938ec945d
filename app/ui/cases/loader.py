"""Running case-list queries off the GUI thread, so typing and scrolling never freeze.

A search over 150,000 files can take a few hundred milliseconds on a clinic's old PC. The
loader runs count + first page (and later pages while scrolling) in worker threads and hands
the results back to the GUI thread through queued signals. Each search carries a generation
number; a result whose search has since been replaced by a newer one is dropped unseen.
The worker functions only call services; they never touch a widget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


UNCOUNTED = -1  # searched's count when the first page is full: counted(...) follows


class QueryLoader(QObject):
    """searched(generation, query, count, first_page) / counted(generation, query, count) /
    paged(query, page_number, rows) / failed(generation, error) are emitted from worker threads
    and arrive queued.

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
        self._generation = 0
        self._lock = threading.Lock()
        self._pending_pages: set[tuple[Any, int]] = set()
        self._closed = False
        self._futures: set[Future] = set()
        # One thread each: searches queue behind one another (stale ones are skipped), and a
        # slow search never holds up the pages of the list already on screen.
        self._search_pool = ThreadPoolExecutor(1, thread_name_prefix="case-search")
        self._page_pool = ThreadPoolExecutor(1, thread_name_prefix="case-pages")

    @property
    def generation(self) -> int:
        return self._generation

    def search(self, query: Any) -> int:
        """Count and fetch the first page of query; returns the search's generation number."""
        with self._lock:
            self._generation += 1
            generation = self._generation
            if self._closed:
                return generation  # the page is closing; nothing will show the result
        self._track(self._search_pool.submit(self._run_search, generation, query))
        return generation

    def count(self, query: Any) -> int:
        """Count query's rows in the background (its first page is already on screen): emits
        counted with the current generation, unless a search replaces it first."""
        with self._lock:
            generation = self._generation
            if self._closed:
                return generation
        self._track(self._search_pool.submit(self._run_count, generation, query))
        return generation

    def is_current(self, generation: int) -> bool:
        return generation == self._generation

    def _run_search(self, generation: int, query: Any) -> None:
        if not self.is_current(generation):
            return  # typed over before it started: skip the work altogether
        try:
            rows = self._page(query, 0, self.page_size)
        except Exception as error:  # everything must reach the GUI thread
            self._emit(self.failed, generation, error)
            return
        # A first page that is not full is the whole answer: no second query to count it
        # (most searches for a name or a number end here).
        full = len(rows) >= self.page_size
        self._emit(self.searched, generation, query, UNCOUNTED if full else len(rows), rows)
        if full:
            self._run_count(generation, query)

    def _run_count(self, generation: int, query: Any) -> None:
        if not self.is_current(generation):
            return
        try:
            count = self._count(query)
        except Exception as error:
            self._emit(self.failed, generation, error)
            return
        self._emit(self.counted, generation, query, count)

    def load_page(self, query: Any, number: int) -> None:
        key = (query, number)
        with self._lock:
            if key in self._pending_pages or self._closed:
                return
            self._pending_pages.add(key)
        self._track(self._page_pool.submit(self._run_page, query, number))

    def _track(self, future: Future) -> None:
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)

    def _run_page(self, query: Any, number: int) -> None:
        try:
            rows = self._page(query, number * self.page_size, self.page_size)
        except Exception as error:
            log.warning("case list page %s failed: %s", number, error)
            rows = None
        with self._lock:
            self._pending_pages.discard((query, number))
        if rows is not None:
            self._emit(self.paged, query, number, rows)

    def _emit(self, signal, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            pass  # the page was closed while the query ran; nobody is waiting

    def shutdown(self, timeout: float | None = 0) -> bool:
        """Stop taking work, drop what is queued, and wait up to `timeout` seconds (None: as
        long as it takes) for a query already running; True when none is left running."""
        with self._lock:
            self._generation += 1  # whatever is queued is now stale
            self._closed = True
            running = list(self._futures)
        self._search_pool.shutdown(wait=False, cancel_futures=True)
        self._page_pool.shutdown(wait=False, cancel_futures=True)
        if timeout == 0:
            return not any(not f.done() for f in running)
        _done, not_done = wait(running, timeout=timeout)
        return not not_done
