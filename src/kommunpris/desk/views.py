"""The desk's start page: what the signed-in person can work on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommunpris.jury.selectors import seats_of
from kommunpris.mail.selectors import given_up
from kommunpris.permissions.mail import may_manage_mail


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"jury_seats": seats_of(request.user), "mail_given_up": 0}
    if may_manage_mail(request.user):
        context["mail_given_up"] = given_up().count()
    return render(request, "desk/home.html", context)
