"""The DCAT-AP-SE catalogue at /datasets/dcat, where Sweden's data portal harvests it.

RDF/XML unless the request's Accept header prefers Turtle or JSON-LD (or `?format=ttl`,
`jsonld`, `rdf` asks for one, for a browser).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from . import dcat
from .views import _award


def _media_type(request: HttpRequest) -> str:
    named = dcat.FORMAT_NAMES.get(request.GET.get("format", ""))
    if named:
        return named
    preferred = request.get_preferred_type(list(dcat.FORMATS))
    return preferred or "application/rdf+xml"


@require_safe
def dcat_catalogue(request: HttpRequest) -> HttpResponse:
    media_type = _media_type(request)
    graph = dcat.catalogue_graph(award=_award())
    response = HttpResponse(
        dcat.serialise(graph, media_type), content_type=f"{media_type}; charset=utf-8"
    )
    patch_vary_headers(response, ["Accept"])
    return response
