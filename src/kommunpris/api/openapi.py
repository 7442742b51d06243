"""The API object with an OpenAPI document that names every answer the API can give.

django-ninja documents the answers each endpoint declares; two more can come from any operation,
and are added here so clients (and schemathesis) find them in the document:

- 422, when a parameter does not parse (e.g. a year that is not a number), with ninja's list of
  what was wrong;
- 400, when the address carries a NUL character (refused before any view runs, see
  kommunpris.operations.middleware), as an ErrorOut; every text parameter says so in its schema.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

VALIDATION_ERROR = {
    "title": "ValidationErrorOut",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["loc", "msg", "type"],
                "properties": {
                    "loc": {
                        "type": "array",
                        "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    },
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        }
    },
}


NO_NUL = "^[^\\u0000]*$"


def _forbid_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string":
        schema.setdefault("pattern", NO_NUL)
    for branch in schema.get("anyOf", []):
        _forbid_nul(branch)


def _json(description: str, ref: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


class OpenDataAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ValidationErrorOut", VALIDATION_ERROR)
        has_error_out = "ErrorOut" in schemas
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for parameter in operation.get("parameters", []):
                    _forbid_nul(parameter.get("schema", {}))
                responses = operation.setdefault("responses", {})
                if operation.get("parameters"):
                    responses.setdefault(
                        "422", _json("En parameter kunde inte läsas", "ValidationErrorOut")
                    )
                if has_error_out:
                    responses.setdefault(
                        "400", _json("Adressen innehåller tecknet NUL", "ErrorOut")
                    )
        return schema
