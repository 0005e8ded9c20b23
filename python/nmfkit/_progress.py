"""The progress bar of the estimators' ``verbose`` mode, on stderr.

The C++ computations report steps: (task, unit, done, total, bound, measure, last), where
total is 0 when unknown (iterations until convergence; bound is then max_iter) and measure
says where the stopping rule stands. tqdm draws them when it is installed; otherwise a
plain bar, one line redrawn with a carriage return, stands in (no new dependency).
"""

from __future__ import annotations

import sys
import time
from typing import Any, Optional

try:
    from tqdm import tqdm as _tqdm
except ImportError:  # tqdm is optional
    _tqdm = None


class ProgressBar:
    """Callable given as ``progress`` to the C++ module; closes its bar on leaving a ``with``.

    Parameters
    ----------
    enabled : bool
        False makes every report a no-op (verbose off).
    use_tqdm : bool or None
        None: tqdm when it is installed; False: the plain bar.
    """

    def __init__(self, enabled: bool = True, use_tqdm: Optional[bool] = None) -> None:
        self.enabled = enabled
        self.use_tqdm = _tqdm is not None if use_tqdm is None else use_tqdm and _tqdm is not None
        self._bar: Any = None
        self._key: Optional[tuple] = None
        self._done = 0
        self._started = 0.0
        self._drawn_at = 0.0
        self._width = 0

    def __call__(self, task: str, unit: str, done: int, total: int, bound: int,
                 measure: str, last: bool) -> None:
        if not self.enabled:
            return
        key = (task, unit)
        if key != self._key or done < self._done:
            self.close()
            self._open(task, unit, total)
        self._key, self._done = key, done
        finished = last or (total > 0 and done >= total)
        note = ", ".join(part for part in (f"at most {bound}" if not total and bound else "",
                                           measure) if part)
        if self._bar is not None:
            self._bar.update(done - self._bar.n)
            if note:
                self._bar.set_postfix_str(note, refresh=False)
        else:
            now = time.monotonic()
            if not finished and now - self._drawn_at >= 0.2:
                self._draw(task, unit, done, total, note, now)
        if finished:
            self.close()

    def close(self) -> None:
        """Takes the bar away (tqdm's or the plain one)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._width:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()
            self._width = 0
        self._key = None
        self._done = 0

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _open(self, task: str, unit: str, total: int) -> None:
        self._started = time.monotonic()
        self._drawn_at = 0.0
        if self.use_tqdm:
            self._bar = _tqdm(total=total or None, desc=task, unit=f" {unit}",
                              file=sys.stderr, leave=False, dynamic_ncols=True)

    def _draw(self, task: str, unit: str, done: int, total: int, note: str, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = done / elapsed
        if total:
            filled = 20 * done // total
            text = (f"{task}  [{'#' * filled}{'.' * (20 - filled)}]  {100 * done // total}%  "
                    f"{done}/{total} {unit}  {rate:.3g}/s")
            if rate > 0:
                text += f"  ETA {(total - done) / rate:.0f} s"
        else:
            text = f"{task}  {done} {unit}  {rate:.3g}/s"
        if note:
            text += "  " + note
        sys.stderr.write("\r" + text.ljust(self._width))
        sys.stderr.flush()
        self._width = max(self._width, len(text))
        self._drawn_at = now
