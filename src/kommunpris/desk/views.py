"""The desk's start page: for each role the person has, what is due next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.mail.selectors import given_up
from kommunpris.nominations.selectors import editions_with_a_call
from kommunpris.permissions.mail import may_manage_mail
from kommunpris.permissions.nominations import may_manage_nominations

from . import next_steps


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organised: list[next_steps.Steps] = []
    if may_manage_nominations(request.user):
        try:
            organised = next_steps.editions_with_steps(editions_with_a_call(award()))
        except AwardNotFound:
            organised = []
    return render(
        request,
        "desk/home.html",
        {
            "organised": organised,
            "seats": next_steps.seats_with_steps(request.user),
            "mail_given_up": given_up().count() if may_manage_mail(request.user) else 0,
        },
    )
