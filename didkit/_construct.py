"""Constructors that skip attrs' generated ``__init__`` where it would only set slots.

Listing thousands of records builds tens of thousands of small frozen objects; the generated
``__init__`` goes through the frozen ``__setattr__`` machinery for every field, which costs more
than the rest of building most of them.
"""

from __future__ import annotations

from typing import Any

import attrs


def plain_constructor(cls: type[Any], *, guard: str | None = None, names: dict[str, Any] | None = None) -> Any:
    """A constructor for ``cls`` (a slotted attrs class) taking every field positionally (a call
    with twenty keywords costs more than setting twenty slots), which sets the slots directly
    instead of going through the generated ``__init__`` and the frozen ``__setattr__``.

    Without ``guard``, only for classes whose ``__init__`` does nothing else (no converters,
    validators or post-init hook), which is checked here. With ``guard`` (a Python expression
    over the field names, and ``names`` it uses), the slots are set directly only where it holds,
    which must be where the converters, validators and post-init hook would keep the values as
    they are and raise nothing; elsewhere ``cls(...)`` itself runs."""
    fields = attrs.fields(cls)
    if (
        "__slots__" not in cls.__dict__
        or "_attrs_cached_hash" in cls.__slots__
        or hasattr(cls, "__attrs_pre_init__")
        or any(not f.init or f.alias != f.name for f in fields)
        or (
            guard is None
            and (
                hasattr(cls, "__attrs_post_init__")
                or any(f.converter is not None or f.validator is not None for f in fields)
            )
        )
    ):
        raise TypeError(f"{cls.__name__} needs its own __init__")
    setters = tuple(cls.__dict__[f.name].__set__ for f in fields)
    field_names = [f.name for f in fields]
    params = ", ".join(field_names)
    sets = "".join(f"        _s{i}(self, {name})\n" for i, name in enumerate(field_names))
    if guard is None:
        body = f"    if True:\n        self = _new(_cls)\n{sets}        return self\n"
    else:
        call = ", ".join(f"{name}={name}" for name in field_names)
        body = f"    if {guard}:\n        self = _new(_cls)\n{sets}        return self\n    return _cls({call})\n"
    source = f"def make({params}):\n{body}"
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **(names or {})}
    namespace.update({f"_s{i}": setter for i, setter in enumerate(setters)})
    exec(source, namespace)  # noqa: S102 - generated from the class's own field names
    return namespace["make"]
