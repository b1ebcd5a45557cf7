"""Type aliases shared by the public signatures."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal, Union

from numpy.typing import ArrayLike

__all__ = ["ArrayLike", "Axis", "Dims", "Empty", "Periodic", "Soft", "Spacing"]

Dims = Union[Hashable, Sequence[Hashable], None]
Axis = Union[int, Sequence[int], None]
Empty = Union[float, Literal["raise"]]
Soft = Literal["product", "minmax"]
Spacing = Union[float, Sequence[float], None]
Periodic = Union[Mapping[Hashable, float], Sequence[Hashable], None]
