"""Type aliases shared by the public signatures."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

from numpy.typing import ArrayLike

__all__ = ["ArrayLike", "Axis", "Dims", "Empty", "Periodic", "Soft", "Spacing"]

Dims = Hashable | Sequence[Hashable] | None
Axis = int | Sequence[int] | None
Empty = float | Literal["raise"]
Soft = Literal["product", "minmax"]
Spacing = float | Sequence[float] | None
Periodic = Mapping[Hashable, float] | Sequence[Hashable] | None
