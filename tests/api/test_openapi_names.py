"""No two schemas of the API share a name in the OpenAPI document.

The document keys its components by the schema class's name: two classes of one name (the attachments of
directives and of progress updates were both ``AttachmentOut``) become one component, which describes one of them
and not the other (issue 16: the document promised ``name`` where the API answered ``original_name``).
"""

from __future__ import annotations

import inspect
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from sauro.api import api


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
        return
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def test_every_schema_has_a_name_of_its_own() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                roots: list[Any] = list(operation.models)
                roots += [model for model in operation.response_models.values() if model is not None]
                for root in roots:
                    for model in _models(root):
                        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(by_name) > 40
    shared = {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
    # ninja wraps each operation's parameters and response in classes of generated names; those are not components.
    shared = {name: classes for name, classes in shared.items() if not name.endswith(("Params", "Response"))}
    assert shared == {}
