"""Every PATCH of the API requires the version the client last read (issue 16, point 6: no lost updates).

The behaviour of each (no version: 422 naming ``version``; a stale one: 409 ``stale_version``; the current one: 200)
is tested beside its operation: ``tests/tasks/test_api.py::test_a_patch_without_version_is_422_and_changes_nothing``
``tests/directives/test_api.py::test_patch_with_version`` and
``tests/discussions/test_api.py::test_edit_with_version_and_delete``. This test keeps a new PATCH from forgetting it.
"""

from __future__ import annotations

from typing import Any

from sauro.api import api

SCHEMA: dict[str, Any] = api.get_openapi_schema()
TESTED = {
    "/api/v1/tasks/{task_id}",
    "/api/v1/directives/{directive_id}",
    "/api/v1/comments/{comment_id}",
    # tests/petitions/test_api_patch.py::test_a_stale_or_missing_version_writes_nothing (and the visit's test)
    "/api/v1/petitions/letters/{letter_id}",
    "/api/v1/petitions/receptions/{reception_id}",
}


def _body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_patch_requires_the_version() -> None:
    patches = {path: ops["patch"] for path, ops in SCHEMA["paths"].items() if "patch" in ops}
    assert set(patches) == TESTED, "a new PATCH: require its version and test it as the others are"
    for path, operation in patches.items():
        body = _body_schema(operation)
        assert "version" in body.get("required", []), path
        assert body["properties"]["version"]["minimum"] == 1, path


def _nullable(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "null" or any(member.get("type") == "null" for member in prop.get("anyOf", []))


def test_a_patch_body_offers_null_only_where_null_clears_a_field() -> None:
    # PATCH /directives/{id} refuses null for every field but parent_id (422): the document must not offer it
    # (schemathesis sent {"number": null}, valid for the document, and was refused).
    directive = _body_schema(SCHEMA["paths"]["/api/v1/directives/{directive_id}"]["patch"])
    nullable = {name for name, prop in directive["properties"].items() if _nullable(prop)}
    assert nullable == {"parent_id"}
