"""Is a fitted X ≈ W H essentially unique? The sufficiently scattered condition (SSC) and
separability (near-anchors) of W's rows and H's columns; see docs/models.md.

Each verdict is one of ``'holds'`` (proven by enumerating every vertex of
{x : F x >= 0, sum(x) = 1}: max ||x||² <= 1 + tol), ``'fails'`` (with a certificate x that
satisfies F x >= 0, sum(x) = 1 and ||x||² > 1, checkable by anyone) or ``'undecided'`` (the
enumeration needed more than ``max_rays`` rays). k above 12 raises ValueError.
"""

from typing import Any, Dict

import numpy as np

from . import _nmfkit

__all__ = ["check_ssc", "near_anchors", "identifiability"]


def _points(F: Any, name: str) -> np.ndarray:
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got {F.ndim} dimensions")
    return F


def check_ssc(F: Any, tol: float = 1e-6, max_rays: int = 200000) -> Dict[str, Any]:
    """The SSC test of the points F (n_points × k, each row a point, entries >= 0).

    Returns a dict: verdict, max_norm (max ||x||² over the vertices), certificate (for
    'fails'), reason (what was proven), nonzero_points, vertices.
    """
    return _nmfkit.check_ssc(_points(F, "F"), float(tol), int(max_rays))


def near_anchors(F: Any, tol: float = 0.05) -> Dict[str, Any]:
    """For each column c, the row of F whose share on c is largest (the near-anchor) and its
    distance: the share of its mass outside c. ``separable``: every distance <= tol."""
    return _nmfkit.near_anchors(_points(F, "F"), float(tol))


def identifiability(W: Any, H: Any, tol: float = 1e-6, max_rays: int = 200000,
                    anchor_tol: float = 0.05) -> Dict[str, Any]:
    """Both tests on W's rows (samples) and H's columns (features) of a fitted model.

    Returns {'W': {'ssc': ..., 'separability': ...}, 'H': {...}, 'unique': bool}; unique is
    True when both factors are proven sufficiently scattered (Huang, Sidiropoulos & Swami).
    """
    return _nmfkit.identifiability(_points(W, "W"), _points(H, "H"), float(tol), int(max_rays),
                                   float(anchor_tol))
