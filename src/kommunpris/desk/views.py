"""The desk's start page: what the signed-in person can work on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommunpris.jury.selectors import seats_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/home.html", {"jury_seats": seats_of(request.user)})
