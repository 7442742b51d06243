"""Reads of the outgoing mail for the organiser's desk."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from .models import MailStatus, OutgoingMail


@dataclass(frozen=True)
class MailState:
    given_up: QuerySet[OutgoingMail]  # read a page at a time (desk.paging)
    waiting: int  # pending, the worker has not sent them yet
    retrying: int  # of those, failed at least once and waiting for the next attempt


def given_up() -> QuerySet[OutgoingMail]:
    return OutgoingMail.objects.filter(status=MailStatus.GAVE_UP).order_by("-gave_up_at", "-id")


def mail_state() -> MailState:
    pending = OutgoingMail.objects.filter(status=MailStatus.PENDING)
    return MailState(
        given_up=given_up(),
        waiting=pending.count(),
        retrying=pending.filter(attempts__gt=0).count(),
    )


def given_up_mail(pk: int) -> OutgoingMail | None:
    return given_up().filter(pk=pk).first()
