"""Memory for a check's long columns, first touched by a second thread while the first works.

On the virtual machines offices and CI run on, the first write to memory a process has not
used yet costs far more than the arithmetic on it: the host backs the page only then. Measured
on the 2-core benchmark machine, writing 100 MB of fresh memory takes 0.2-0.3 s, while the same
write to memory already touched takes 0.01 s; at a million events that cost is more than half
of a check. The check knows early how many rows its long columns have, so :class:`Arena`
allocates buffers of that length at once and a daemon thread writes zeros into them (numpy
releases the GIL for that) while the check prepares and aligns. Later steps compute into these
buffers (``out=``) instead of into fresh arrays. (``np.take`` into ``out`` is called with
``mode="wrap"``: in its default mode it writes to a hidden copy of ``out`` first, which costs
a fresh array and 5-8x the time; the check's indices are valid, and -1 is the last value in
both modes.)

A buffer is handed out as a view of the requested length and type, once, unless the check
gives it back (:meth:`Arena.give`) when nothing refers to it any more: it is then handed out
again, already touched. What is never asked for is freed with the arena. Asking for a buffer
the thread has not reached yet takes it untouched (the thread skips it), so the check never
waits for more than the buffer being touched at that moment. Small logs get plain
``np.empty`` arrays and no thread.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Arena", "empty"]

#: Below this many rows a check allocates as usual: the thread would cost more than it saves.
MIN_ROWS = 100_000
_CHUNK = 1 << 21  # bytes written per call, so that a hand-out waits at most for one chunk


class Arena:
    """``count`` buffers of ``rows`` 8-byte values each, touched by a background thread."""

    def __init__(self, rows: int, count: int) -> None:
        self.rows = rows
        self._lock = threading.Lock()
        self._untouched: deque[npt.NDArray[np.uint8]] = deque(
            np.empty(rows * 8, dtype=np.uint8) for _ in range(count)
        )
        self._touched: deque[npt.NDArray[np.uint8]] = deque()
        # handed out, by id; weakly, so that a buffer the check drops is freed as usual
        self._out: dict[int, weakref.ref[npt.NDArray[np.uint8]]] = {}
        self._current: npt.NDArray[np.uint8] | None = None
        self._current_done = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._touch, name="sopmine-arena", daemon=True)
        self._thread.start()

    def _touch(self) -> None:
        while True:
            with self._lock:
                if not self._untouched:
                    self._current = None
                    self._current_done.notify_all()
                    return
                buffer = self._current = self._untouched.popleft()
            for begin in range(0, buffer.size, _CHUNK):
                np.copyto(buffer[begin : begin + _CHUNK], 0)
            with self._lock:
                self._touched.append(buffer)
                self._current = None
                self._current_done.notify_all()

    def array(self, length: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
        """An uninitialised array of ``length`` values of ``dtype``.

        Only 8-byte types (int64, float64, datetime64) come from the buffers; others are
        allocated as usual.
        """
        kind = np.dtype(dtype)
        if length > self.rows or kind.itemsize != 8 or kind.hasobject:
            return np.empty(length, dtype=kind)
        with self._lock:
            while True:
                if self._touched:
                    buffer = self._touched.popleft()
                    break
                if self._untouched:
                    buffer = self._untouched.pop()  # the last one: the thread reaches it last
                    break
                if self._current is None:
                    return np.empty(length, dtype=kind)
                self._current_done.wait()
            self._out[id(buffer)] = weakref.ref(buffer)
        return buffer[: length * kind.itemsize].view(kind)

    def give(self, *arrays: npt.NDArray[Any]) -> None:
        """Take back buffers handed out (arrays of them, or views), to hand out again.

        Only for arrays nothing refers to any more: their memory is written over. Arrays that
        are not the arena's are left alone.
        """
        with self._lock:
            for array in arrays:
                base = array.base
                known = self._out.get(id(base)) if base is not None else None
                buffer = known() if known is not None else None
                if buffer is None or id(buffer) != id(base):
                    continue
                del self._out[id(buffer)]
                self._touched.appendleft(buffer)

    def close(self) -> None:
        """Drop the buffers never handed out (the thread stops after its current one)."""
        with self._lock:
            self._untouched.clear()
            self._touched.clear()
            self._out.clear()


def empty(arena: Arena | None, length: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """``arena.array(length, dtype)``, or a plain ``np.empty`` without an arena."""
    if arena is None:
        return np.empty(length, dtype=dtype)
    return arena.array(length, dtype)


def arena_for(rows: int, count: int) -> Arena | None:
    """An arena of ``count`` buffers for a log of ``rows`` events; None for a small log."""
    return Arena(rows, count) if rows >= MIN_ROWS and count > 0 else None
