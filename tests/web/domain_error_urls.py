"""The site's own URLs and two pages that let a domain error through, one on the desk and one
on the public site: the one mapping (kommunpris.web.domain_errors) answers them."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kommunpris.awards.services import WrongPhase
from kommunpris.errors import NotAllowed
from kommunpris.urls import urlpatterns as site_urlpatterns


def public_refusal(request: HttpRequest) -> HttpResponse:
    raise NotAllowed("Den här sidan är stängd för dig.")


def desk_refusal(request: HttpRequest) -> HttpResponse:
    raise WrongPhase("Nomineringen till Sveriges DigitaliseringsKommun 2027 är redan stängd.")


urlpatterns = [
    *i18n_patterns(
        path("prov/vagrad/", public_refusal),
        path("arbetsyta/prov/fel-fas/", desk_refusal),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]
