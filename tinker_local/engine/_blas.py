"""Optional control of the BLAS thread count of numpy's bundled OpenBLAS.

Multi-threaded BLAS helps a little on an idle machine but stalls badly (5-20x measured on
the project's 2-core machine) when the cores are shared with other busy processes or with
several engine threads at once: the engine's matrices are small, so BLAS threads mostly
wait for each other.  The package therefore sets one BLAS thread on import
(``apply_default_blas_threads``) unless the user chose otherwise through the environment.
"""

from __future__ import annotations

import ctypes
import glob
import os

import numpy as np

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


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


def apply_default_blas_threads() -> None:
    """Called on package import: 1 BLAS thread unless the environment says otherwise.

    Untouched when ``OPENBLAS_NUM_THREADS`` or ``OMP_NUM_THREADS`` is set, or when
    ``TINKER_ENGINE_BLAS_THREADS`` is ``0``; another integer value there is used as the count.
    """
    if os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"):
        return
    raw = os.environ.get("TINKER_ENGINE_BLAS_THREADS", "1").strip() or "1"
    try:
        n = int(raw)
    except ValueError:
        return
    if n > 0:
        set_blas_threads(n)
