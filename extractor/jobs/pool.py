"""Map a function over a stream with N worker threads, results in input order.

Why not ``ThreadPoolExecutor.map``: it submits the whole input up front (a 10 GB JSONL
would sit in memory) and its non-daemon workers make Ctrl-C wait for every in-flight
request. Here at most ``window`` items are in flight, and workers are daemon threads, so
an interrupted job exits at once (finished-but-unwritten results are redone on resume,
from the cache when it is on).
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Task(Generic[T, R]):
    __slots__ = ("future", "item")

    def __init__(self, item: T) -> None:
        self.item = item
        self.future: Future[R] = Future()


def _work(fn: Callable[[T], R], tasks: queue.SimpleQueue[_Task[T, R] | None]) -> None:
    while True:
        task = tasks.get()
        if task is None:
            return
        if not task.future.set_running_or_notify_cancel():
            continue
        try:
            task.future.set_result(fn(task.item))
        except BaseException as exc:  # handed to the consumer, which re-raises it
            task.future.set_exception(exc)


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, window: int | None = None
) -> Iterator[R]:
    """``fn(item)`` for every item, yielded in input order, ``workers`` at a time.

    ``window`` bounds the items taken from ``items`` but not yet yielded (default
    ``2 * workers``: every worker has a next item ready while the head is written).
    With one worker there are no threads: the call runs in the caller's thread.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        yield from map(fn, items)
        return
    limit = max(window or 2 * workers, workers)
    tasks: queue.SimpleQueue[_Task[T, R] | None] = queue.SimpleQueue()
    threads = [
        threading.Thread(target=_work, args=(fn, tasks), name=f"extract-{n}", daemon=True)
        for n in range(workers)
    ]
    for thread in threads:
        thread.start()
    pending: deque[_Task[T, R]] = deque()
    try:
        for item in items:
            task: _Task[T, R] = _Task(item)
            pending.append(task)
            tasks.put(task)
            if len(pending) >= limit:
                yield pending.popleft().future.result()
        while pending:
            yield pending.popleft().future.result()
    finally:
        for task in pending:
            task.future.cancel()
        for _ in threads:
            tasks.put(None)
