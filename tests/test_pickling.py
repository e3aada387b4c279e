"""Every exported `BoltError` survives pickling with its fields, so an error raised in a worker
process (ProcessPoolExecutor, Celery, Dask, Prefect) reaches the parent intact.

The classes are discovered from `paradime_bolt.__all__` and built from their own signatures, so a
new error class is covered without touching this file.
"""

from __future__ import annotations

import copy
import inspect
import pickle
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

import paradime_bolt
from paradime_bolt import BoltError, GraphQLErrorDetail


def exported_errors() -> list[type[BoltError]]:
    found = []
    for name in paradime_bolt.__all__:
        value = getattr(paradime_bolt, name)
        if isinstance(value, type) and issubclass(value, BoltError):
            found.append(value)
    return found


def sample(name: str, hint: Any, index: int) -> Any:
    """A value of type `hint` for parameter `name`, distinct per parameter."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return sample(name, options[0], index)
    if hint is bool:
        return True
    if hint is int:
        return 1000 + index
    if hint is float:
        return 2.5 + index
    if hint is str:
        return f"{name} value"
    if origin is not None and isinstance(origin, type) and issubclass(origin, Mapping):
        return {"key": f"{name} value"}
    if origin is not None and isinstance(origin, type) and issubclass(origin, Sequence):
        return [
            GraphQLErrorDetail(
                message=f"{name} message",
                path=("field", 0),
                locations=((1, 2),),
                extensions={"code": "SAMPLE"},
            )
        ]
    if hint is Any:
        return {"anything": [1, 2, 3]}
    raise AssertionError(f"no sample for {name}: {hint!r}; teach this test the type")


def build(cls: type[BoltError]) -> BoltError:
    """An instance with every constructor parameter set to a distinct value."""
    if not any("__init__" in vars(k) for k in cls.__mro__ if issubclass(k, BoltError)):
        return cls(f"a {cls.__name__}")
    hints = typing.get_type_hints(cls.__init__, vars(paradime_bolt._exceptions))
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    for index, parameter in enumerate(parameters):
        value = sample(parameter.name, hints[parameter.name], index)
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = value
        else:
            args.append(value)
    return cls(*args, **kwargs)


def test_the_discovery_finds_the_tree() -> None:
    names = {cls.__name__ for cls in exported_errors()}
    assert {"BoltError", "RunFailedError", "OperationFailedError", "RunTimeoutError"} <= names
    assert len(names) >= 17


@pytest.mark.parametrize("cls", exported_errors(), ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("protocol", [0, 2, pickle.HIGHEST_PROTOCOL])
def test_every_error_survives_a_pickle_round_trip(cls: type[BoltError], protocol: int) -> None:
    original = build(cls)
    original.__notes__ = ["raised in a worker"]  # add_note() is 3.11+
    restored = pickle.loads(pickle.dumps(original, protocol=protocol))
    assert type(restored) is cls
    assert str(restored) == str(original)
    assert restored.args == original.args
    assert vars(restored) == vars(original)
    assert restored.__notes__ == ["raised in a worker"]
    for name in inspect.signature(cls.__init__).parameters:
        if name != "self" and hasattr(original, name):
            assert getattr(restored, name) == getattr(original, name), name


@pytest.mark.parametrize("cls", exported_errors(), ids=lambda cls: cls.__name__)
def test_every_error_can_be_copied(cls: type[BoltError]) -> None:
    original = build(cls)
    for clone in (copy.copy(original), copy.deepcopy(original)):
        assert type(clone) is cls
        assert str(clone) == str(original)
        assert vars(clone) == vars(original)
