"""The organiser sets the questions of an edition's call, until its first nomination."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris.nominations.questions import (
    DEFAULT_QUESTIONS,
    are_own,
    frozen_at,
    questions_of,
)
from kommunpris.nominations.services import (
    CallError,
    CallFrozen,
    QuestionText,
    check_questions_may_change,
    set_questions,
)

from ..call_forms import question_blocks, questions_from
from ._common import call_edition, organiser_required

STANDARD_QUESTIONS = [
    QuestionText(
        key=q["key"],
        text_sv=q["text_sv"],
        text_en=q["text_en"],
        hint_sv=q["hint_sv"],
        hint_en=q["hint_en"],
    )
    for q in DEFAULT_QUESTIONS
]


@organiser_required
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    current = questions_of(edition)
    refusal = ""
    try:
        check_questions_may_change(edition)
    except CallFrozen as exc:
        refusal = str(exc)
    blocks = question_blocks(current, request.POST if request.method == "POST" else None)
    error = ""
    status = 200
    if request.method == "POST":
        if refusal:
            error, status = refusal, 409
        elif request.POST.get("standard") == "yes" or blocks.is_valid():
            chosen = (
                STANDARD_QUESTIONS
                if request.POST.get("standard") == "yes"
                else questions_from(blocks)
            )
            try:
                set_questions(edition=edition, questions=chosen, actor=request.user)
            except CallFrozen as exc:
                error, status = str(exc), 409
            except CallError as exc:
                error, status = str(exc), 400
            else:
                messages.success(
                    request,
                    _(
                        "The questions of %(title)s are saved. The call asks them from now on, "
                        "until the first nomination fixes them."
                    )
                    % {"title": edition.title},
                )
                return redirect("desk:nominations-questions", year=year)
        else:
            status = 400
    return render(
        request,
        "desk/nominations/questions.html",
        {
            "edition": edition,
            "questions": current,
            "own": are_own(current),
            "frozen_at": frozen_at(current),
            "refusal": refusal,
            "blocks": blocks,
            "error": error,
        },
        status=status,
    )
