"""Small argument checks shared by every public function."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from .errors import EmptyUnionError

__all__ = ["check_choice", "check_empty", "check_flag", "raise_if_empty"]


def check_choice(name: str, value: Any, choices: Collection[str]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise a ValueError naming them."""
    if not isinstance(value, str) or value not in choices:
        opts = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {opts}; got {value!r}")
    return value


def check_flag(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool (numpy's too), else raise ``TypeError`` naming it."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_empty(empty: Any) -> float | str:
    """Validate the ``empty=`` policy: a real number (nan allowed) or ``"raise"``."""
    if isinstance(empty, str):
        if empty != "raise":
            raise ValueError(f'empty must be a number or "raise"; got {empty!r}')
        return empty
    if isinstance(empty, bool) or not isinstance(empty, (int, float)):
        try:
            import numpy as np

            if isinstance(empty, np.generic) and np.issubdtype(type(empty), np.number):
                return float(empty)
        except ImportError:  # pragma: no cover - numpy is a hard dependency
            pass
        raise TypeError(f'empty must be a number or "raise"; got {type(empty).__name__}')
    return float(empty)


def raise_if_empty(n_empty: int, where: str = "") -> None:
    """Raise :class:`EmptyUnionError` for ``empty="raise"`` when some unions are empty."""
    if n_empty:
        loc = f" at {n_empty} position(s)" if n_empty > 1 or where else ""
        raise EmptyUnionError(
            f"both operands are empty{loc}{where}, so the score is undefined; "
            "pass empty=<number> (e.g. empty=1.0 or empty=nan) to choose its value"
        )

