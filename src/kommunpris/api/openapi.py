"""The API object with an OpenAPI document that names every answer the API can give.

django-ninja documents the answers each endpoint declares; two more can come from any operation,
and are added here so clients (and schemathesis) find them in the document:

- 422, when a parameter does not parse (e.g. a year that is not a number), with ninja's list of
  what was wrong;
- 400, when the address carries a NUL character (refused before any view runs, see
  kommunpris.operations.middleware), as an ErrorOut; every text parameter says so in its schema.

It also documents what kommunpris.web.public_reads adds to every answer: the licence (in the
document's info and a Link header), CORS, and the ETag with If-None-Match and 304.
"""

from __future__ import annotations

import copy
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from kommunpris.archive.licence import LICENCE_NAME, LICENCE_URI

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


def _header(description: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string"}}


# What every successful answer carries (kommunpris.web.public_reads).
READ_HEADERS = {
    "ETag": _header(
        "Svarets version. Skicka den i If-None-Match nästa gång: är svaret oförändrat blir "
        "det 304 utan innehåll."
    ),
    "Link": _header(f'Licensen: <{LICENCE_URI}>; rel="license"'),
    "Access-Control-Allow-Origin": _header(
        "Alltid *: sidor på andra webbplatser får läsa svaret (utan inloggningsuppgifter)."
    ),
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "En ETag från ett tidigare svar; är svaret oförändrat blir det 304.",
    "schema": {"type": "string"},
}
NOT_MODIFIED = {
    "description": "Oförändrat sedan den ETag som If-None-Match angav; inget innehåll.",
    "headers": {"ETag": READ_HEADERS["ETag"], "Link": READ_HEADERS["Link"]},
}
OPEN_DATA_TERMS = (
    "\n\nLicens: CC0 1.0 (" + LICENCE_URI + "): fritt att använda, utan villkor. "
    "Alla svar får läsas av sidor på andra webbplatser (CORS: alla ursprung, metoderna GET, "
    "HEAD och OPTIONS, aldrig med inloggningsuppgifter). Varje svar har en ETag; skicka den i "
    "If-None-Match så svarar API:et 304 Not Modified om inget har ändrats."
)


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
        info = schema.setdefault("info", {})
        info["license"] = {"name": LICENCE_NAME, "url": LICENCE_URI}
        if OPEN_DATA_TERMS not in info.get("description", ""):
            info["description"] = info.get("description", "") + OPEN_DATA_TERMS
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
                for status, response in responses.items():
                    if str(status).startswith("2"):
                        response.setdefault("headers", {}).update(copy.deepcopy(READ_HEADERS))
                responses.setdefault("304", copy.deepcopy(NOT_MODIFIED))
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IF_NONE_MATCH["name"] for p in parameters):
                    parameters.append(copy.deepcopy(IF_NONE_MATCH))
        return schema
