"""Optional control of the BLAS thread count of numpy's bundled OpenBLAS.

Multi-threaded BLAS helps a little on an idle machine but stalls badly (several-fold) when
the cores are shared with other busy processes or with several engine threads at once.
``set_blas_threads(1)`` makes the engine's timings predictable; it is process-wide, so the
engine never calls it by itself — the application (server, benchmark) decides.
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
            "openblas_set_num_threads")


def _libs() -> list[ctypes.CDLL]:
    root = os.path.dirname(np.__file__)
    paths = glob.glob(os.path.join(root, "..", "numpy.libs", "*openblas*"))
    paths += glob.glob(os.path.join(root, ".dylibs", "*openblas*"))
    out = []
    for p in paths:
        try:
            out.append(ctypes.CDLL(p))
        except OSError:
            pass
    return out


def set_blas_threads(n: int) -> bool:
    """Set the OpenBLAS thread count (process-wide).  Returns False when no OpenBLAS was found."""
    if n < 1:
        raise ValueError(f"n: expected >= 1, got {n}")
    done = False
    for lib in _libs():
        for name in _SETTERS:
            fn = getattr(lib, name, None)
            if fn is not None:
                fn(int(n))
                done = True
                break
    return done
