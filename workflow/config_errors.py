"""A pydantic ValidationError as one line a person can act on.

The line names the key (``event.sessions.1.start``) and says what is wrong with it. A
misspelt key is the commonest mistake in a hand-written YAML file, and pydantic reports it
twice, as an unknown key *and* as the required key it was meant to be: when an unknown key is
close to a valid key at the same level, that is the problem reported (``event.capacty: unknown
key — did you mean 'capacity'?``) and the "required key is missing" it causes is not counted
as a second problem.

This module knows pydantic models, not callflow's: the model to read key names from is a
parameter. It reads no files and raises nothing.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel, ValidationError
from pydantic_core import ErrorDetails

Location = tuple[int | str, ...]


def describe(err: ValidationError, root: type[BaseModel]) -> str:
    """``key: what is wrong`` for the most telling problem, plus how many others there are."""
    problems = err.errors()
    suggestions: dict[Location, str] = {}
    for problem in problems:
        if problem["type"] == "extra_forbidden":
            loc = tuple(problem["loc"])
            suggestion = suggest(root, loc)
            if suggestion:
                suggestions[loc] = suggestion
    # The key a typo was meant to be is reported missing too: the typo explains it.
    explained = {loc[:-1] + (key,) for loc, key in suggestions.items()}
    problems = [p for p in problems if not (p["type"] == "missing" and tuple(p["loc"]) in explained)]
    problems.sort(key=lambda p: tuple(p["loc"]) not in suggestions)  # stable: typos first
    first = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{key_path(first['loc']) or '(top level)'}: {_message(first, suggestions)}{more}"


def key_path(loc: Sequence[int | str]) -> str:
    """``('event', 'sessions', 1, 'start')`` → ``event.sessions.1.start``."""
    # Validators wrapped around a field add their own name to the location; it is no key.
    return ".".join(str(p) for p in loc if not str(p).startswith("function-"))


def suggest(root: type[BaseModel], loc: Sequence[int | str]) -> str | None:
    """The valid key closest to the unknown key at ``loc``, if one is close enough."""
    if not loc or not isinstance(loc[-1], str):
        return None
    model = _model_at(root, loc[:-1])
    if model is None:
        return None
    close = difflib.get_close_matches(loc[-1], _keys(model), n=1)
    return close[0] if close else None


def _message(problem: ErrorDetails, suggestions: dict[Location, str]) -> str:
    loc = tuple(problem["loc"])
    if problem["type"] == "extra_forbidden":
        return f"unknown key — did you mean {suggestions[loc]!r}?" if loc in suggestions else "unknown key"
    if problem["type"] == "missing":
        return "required key is missing"
    return problem["msg"].removeprefix("Value error, ")


def _model_at(root: type[BaseModel], loc: Sequence[int | str]) -> type[BaseModel] | None:
    """The model that validates the mapping at ``loc`` (list indices are stepped over)."""
    model = root
    for step in loc:
        if isinstance(step, int):
            continue
        annotation = _annotation_of(model, step)
        if annotation is None:
            return None
        inner = _model_in(annotation)
        if inner is None:
            return None
        model = inner
    return model


def _annotation_of(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key == name or key in _aliases(field):
            return field.annotation
    return None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Model``, ``list[Model]``, ``Model | None`` and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (list, tuple, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    """The keys a YAML mapping may use for this model (aliases first: they are what is documented)."""
    keys: list[str] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue  # set by the program, not a key in the file
        keys.extend(_aliases(field) or [name])
    return keys


def _aliases(field: Any) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    if isinstance(alias, str):
        return [alias]
    return []
