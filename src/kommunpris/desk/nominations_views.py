"""The nominations desk: the organiser's editions and field, and the municipality contact's
own candidacy. Thin views: they ask kommunpris.permissions.nominations, read through the
nominations selectors and change things only through services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris import dates
from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.services import (
    CEREMONY_PHASES,
    EditionError,
    OffCadence,
    change_edition,
    check_close_nominations,
    close_nominations,
    create_edition,
    open_nominations,
    reopen_nominations,
)
from kommunpris.nominations import exports, selectors, storage, throttle
from kommunpris.nominations.models import Candidacy, MunicipalityContact
from kommunpris.nominations.services import (
    CandidacyError,
    ContributionError,
    SupplementClosed,
    add_attachment,
    check_remove_attachment,
    check_respond_to_candidacy,
    contact_link_state,
    join_candidacies,
    register_contact,
    reject_nomination,
    remove_attachment,
    request_contact_link,
    respond_to_candidacy,
    save_contribution,
    sign_in_contact,
)
from kommunpris.nominations.tokens import LinkError
from kommunpris.operations.client_address import client_address
from kommunpris.permissions.nominations import (
    contact_may_edit,
    contact_may_read_attachment,
    contact_speaks_for,
    may_manage_nominations,
    may_read_candidacy_material,
    supplement_is_open,
)
from kommunpris.register.collation import swedish_sort_key
from kommunpris.register.models import Municipality

from . import next_steps
from .confirmation import Confirmation, ask, is_confirmed, is_revising
from .nominations_forms import (
    AttachmentForm,
    ContactForm,
    ContactSignInForm,
    ContributionForm,
    EditionChangeForm,
    EditionForm,
    FieldFilterForm,
    NominationFilterForm,
    OpenNominationsForm,
    RejectForm,
)
from .paging import page_of, query_without_page
from .session import CONTACT_SESSION_KEY, signed_in_contact, signed_in_user

# Rows read from the database at a time for a streamed export.
CSV_CHUNK = 2000
View = Callable[..., HttpResponseBase]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/nominations/forbidden.html", {}, status=403)


def organiser_required(view: View) -> View:
    """Signed-in organisers only: others are sent to sign in, or told they may not."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_manage_nominations(request.user):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def _actor(request: HttpRequest) -> str:
    user = request.user
    return str(getattr(user, "email", "") or user.get_username())


def _award() -> Award:
    try:
        return award()
    except AwardNotFound:
        raise Http404(_("The archive has not been loaded yet.")) from None


def _edition(year: int) -> Edition:
    found = selectors.editions_with_a_call(_award()).filter(year=year).first()
    if found is None:
        raise Http404(
            _("There is no edition %(year)s with a call for nominations.") % {"year": year}
        )
    return found


def _municipality_names() -> Any:
    return Municipality.objects.order_by("sort_key").values_list("name", flat=True)


# --- editions ------------------------------------------------------------------------------


def _editions_page(
    request: HttpRequest, form: EditionForm | None = None, status: int = 200
) -> HttpResponse:
    the_award = _award()
    now = timezone.now()
    editions = [
        (
            e,
            the_award.is_on_cadence(e.year),
            e.phase == Phase.NOMINATIONS_CLOSED
            and e.nominations_close_at is not None
            and e.nominations_close_at > now,
        )
        for e in selectors.editions_with_a_call(the_award)
    ]
    return render(
        request,
        "desk/nominations/editions.html",
        {
            "award": the_award,
            "editions": editions,
            "editable_phases": CEREMONY_PHASES,
            "form": form or EditionForm(),
            "open_form": OpenNominationsForm(),
        },
        status=status,
    )


@organiser_required
def editions(request: HttpRequest) -> HttpResponse:
    return _editions_page(request)


@organiser_required
@require_POST
def edition_create(request: HttpRequest) -> HttpResponse:
    form = EditionForm(request.POST)
    if not form.is_valid():
        return _editions_page(request, form, status=400)
    try:
        edition = create_edition(
            award=_award(),
            year=form.cleaned_data["year"],
            venue=form.cleaned_data["venue"] or None,
            allow_off_cadence=form.cleaned_data["off_cadence"],
            actor=signed_in_user(request),
            **form.deadlines(),
        )
    except OffCadence as exc:
        form.add_error(
            "off_cadence",
            _("%(refusal)s Tick the box to make the exception.") % {"refusal": str(exc)},
        )
        return _editions_page(request, form, status=400)
    except EditionError as exc:
        form.add_error(None, str(exc))
        return _editions_page(request, form, status=400)
    messages.success(
        request,
        _("%(title)s is created as a draft. Open the call for nominations when you are ready.")
        % {"title": edition.title},
    )
    return redirect("desk:nominations")


@organiser_required
@require_POST
def edition_open(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    form = OpenNominationsForm(request.POST)
    form.is_valid()
    try:
        open_nominations(
            edition=edition,
            actor=signed_in_user(request),
            allow_off_cadence=bool(form.cleaned_data.get("off_cadence")),
        )
    except OffCadence as exc:
        messages.error(
            request, _("%(refusal)s Tick the box to make the exception.") % {"refusal": str(exc)}
        )
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The call for nominations for %(title)s is open.") % {"title": edition.title}
        )
    return redirect("desk:nominations")


@organiser_required
@require_POST
def edition_close(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    if not is_confirmed(request):
        try:
            check_close_nominations(edition=edition)
        except EditionError as exc:
            messages.error(request, str(exc))
            return redirect("desk:nominations")
        return ask(request, _close_confirmation(request, edition))
    try:
        close_nominations(edition=edition, actor=signed_in_user(request))
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The call for nominations for %(title)s is closed.") % {"title": edition.title},
        )
    return redirect("desk:nominations")


def _close_confirmation(request: HttpRequest, edition: Edition) -> Confirmation:
    deadline = edition.nominations_close_at
    early = deadline is not None and deadline > timezone.now()
    counts = selectors.counts(edition)
    happens = [
        _("The nomination form stops taking nominations for %(title)s at once.")
        % {"title": edition.title},
        _(
            "Nominations already sent can still be confirmed by their link; %(pending)s are "
            "waiting for that now."
        )
        % {"pending": counts["pending"]},
        _(
            "Municipality contacts can still answer and add material until %(when)s; the "
            "jury's work starts after that."
        )
        % {"when": dates.moment(edition.supplement_close_at)},
    ]
    return Confirmation(
        title=_("Close the call for nominations for %(title)s?") % {"title": edition.title},
        happens=happens,
        can_undo=_(
            "The published last day is %(when)s. Until then you can open the call again; "
            "after it, closing cannot be undone."
        )
        % {"when": dates.moment(deadline)}
        if early
        else "",
        cannot_undo=""
        if early
        else _("The last day for nominations has passed: the call cannot be opened again."),
        button=_("Yes, close the call now"),
        back=reverse("desk:nominations"),
    )


@organiser_required
@require_POST
def edition_reopen(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    try:
        reopen_nominations(edition=edition, actor=signed_in_user(request))
    except EditionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The call for nominations for %(title)s is open again until %(when)s.")
            % {"title": edition.title, "when": dates.moment(edition.nominations_close_at)},
        )
    return redirect("desk:nominations")


@organiser_required
@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    if edition.phase not in CEREMONY_PHASES:
        messages.info(
            request,
            _("%(title)s is announced; its dates and venue are history now.")
            % {"title": edition.title},
        )
        return redirect("desk:nominations")
    form = EditionChangeForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid() and not is_revising(request):
        changes = form.changes()
        ends_call = (
            edition.phase == Phase.NOMINATIONS_OPEN
            and changes.get("nominations_close_at") is not None
            and changes["nominations_close_at"] <= timezone.now()
            and changes["nominations_close_at"] != edition.nominations_close_at
        )
        if ends_call and not is_confirmed(request):
            return ask(
                request,
                Confirmation(
                    title=_("End the call for nominations now?"),
                    happens=[
                        _(
                            "The last day for nominations you gave, %(when)s, has passed: the "
                            "nomination form stops taking nominations at once."
                        )
                        % {"when": dates.moment(changes["nominations_close_at"])},
                    ],
                    can_undo=_("You can move the last day forward again while the call is open."),
                    button=_("Yes, save the dates"),
                    back=reverse("desk:nominations-edition-edit", kwargs={"year": year}),
                    revisable=True,
                ),
            )
        try:
            changed = change_edition(edition=edition, actor=signed_in_user(request), **changes)
        except EditionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The changes to %(title)s are saved.") % {"title": changed.title},
            )
            return redirect("desk:nominations")
    return render(
        request,
        "desk/nominations/edition_edit.html",
        {"edition": edition, "form": form},
        status=400 if form.errors else 200,
    )


# --- the field -----------------------------------------------------------------------------


def _filters(form: FieldFilterForm) -> dict[str, str]:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v}


@organiser_required
def field(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    form = FieldFilterForm(request.GET or None)
    chosen = _filters(form)
    rows = list(
        selectors.candidacies(
            edition,
            county=chosen.get("county"),
            response=chosen.get("response"),
            search=chosen.get("q"),
        )
    )
    contacts = {c.municipality_id: c for c in selectors.contacts(edition)}
    return render(
        request,
        "desk/nominations/field.html",
        {
            "edition": edition,
            "rows": [(c, [contacts.get(m.code) for m in c.municipalities]) for c in rows],
            "counts": selectors.counts(edition),
            "form": form,
            "query": request.GET.urlencode(),
        },
    )


@organiser_required
@require_POST
def join(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    ids = [int(pk) for pk in request.POST.getlist("candidacy") if pk.isdigit()]
    chosen = sorted(
        selectors.candidacies(edition).filter(pk__in=ids),
        key=lambda c: [swedish_sort_key(m.name) for m in c.municipalities],
    )
    try:
        joined = join_candidacies(candidacies=chosen, actor=_actor(request))
    except CandidacyError as exc:
        messages.error(request, str(exc))
        return redirect("desk:nominations-field", year=year)
    messages.success(request, _("%(name)s now stand together.") % {"name": joined.name})
    return redirect("desk:nominations-candidacy", year=year, pk=joined.pk)


@organiser_required
def candidacy_detail(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = _edition(year)
    found = selectors.candidacy(edition, pk)
    if found is None:
        raise Http404(_("There is no such candidacy in %(title)s.") % {"title": edition.title})
    codes = [m.code for m in found.municipalities]
    shown = page_of(request, selectors.nominations(edition, candidacy=found))
    return render(
        request,
        "desk/nominations/candidacy.html",
        {
            "edition": edition,
            "candidacy": found,
            "contribution": selectors.contribution_of(found),
            "contacts": list(selectors.contacts(edition).filter(municipality_id__in=codes)),
            "nominations": shown.object_list,
            "page": shown,
            "query": query_without_page(request),
            "reject_form": RejectForm(),
        },
    )


@organiser_required
def nomination_list(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    form = NominationFilterForm(request.GET or None)
    chosen = _filters(form)
    rows = selectors.nominations(
        edition,
        status=chosen.get("status"),
        county=chosen.get("county"),
        search=chosen.get("q"),
    )
    shown = page_of(request, rows)
    return render(
        request,
        "desk/nominations/nominations.html",
        {
            "edition": edition,
            "nominations": shown.object_list,
            "page": shown,
            "counts": selectors.counts(edition),
            "form": form,
            "reject_form": RejectForm(),
            "query": query_without_page(request),
        },
    )


@organiser_required
@require_POST
def reject(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = _edition(year)
    found = selectors.nomination(edition, pk)
    if found is None:
        raise Http404(_("There is no such nomination in %(title)s.") % {"title": edition.title})
    form = RejectForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("desk:nominations-list", kwargs={"year": year})
    if not form.is_valid():
        messages.error(request, _("Write why the nomination is rejected."))
        return redirect(back)
    try:
        reject_nomination(
            nomination=found, reason=form.cleaned_data["reason"], actor=_actor(request)
        )
    except CandidacyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The nomination of %(name)s by %(by)s is rejected as spam and no longer counts.")
            % {"name": found.municipality.name, "by": found.nominator_name},
        )
    return redirect(back)


def _csv_response(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    """Sent as it is read from the database: a national call's 20,000 nominations are never
    held in memory at once."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@organiser_required
def nominations_csv(request: HttpRequest, year: int) -> HttpResponseBase:
    edition = _edition(year)
    chosen = _filters(NominationFilterForm(request.GET or None))
    rows = selectors.nominations(
        edition, status=chosen.get("status"), county=chosen.get("county"), search=chosen.get("q")
    )
    return _csv_response(
        exports.nominations_csv(rows.iterator(chunk_size=CSV_CHUNK)), f"nomineringar-{year}.csv"
    )


@organiser_required
def candidacies_csv(request: HttpRequest, year: int) -> HttpResponseBase:
    edition = _edition(year)
    chosen = _filters(FieldFilterForm(request.GET or None))
    rows = selectors.candidacies(
        edition,
        county=chosen.get("county"),
        response=chosen.get("response"),
        search=chosen.get("q"),
    )
    return _csv_response(
        exports.candidacies_csv(rows.iterator(chunk_size=CSV_CHUNK)), f"kandidaturer-{year}.csv"
    )


def _contacts_page(
    request: HttpRequest, edition: Edition, form: ContactForm, status: int = 200
) -> HttpResponse:
    contacts = list(selectors.contacts(edition))
    with_contact = {c.municipality_id for c in contacts}
    waiting = [
        m
        for c in selectors.candidacies(edition)
        if c.nomination_count  # type: ignore[attr-defined]
        for m in c.municipalities
        if m.code not in with_contact
    ]
    return render(
        request,
        "desk/nominations/contacts.html",
        {
            "edition": edition,
            "contacts": contacts,
            "waiting": sorted(waiting, key=lambda m: swedish_sort_key(m.name)),
            "form": form,
            "names": _municipality_names(),
        },
        status=status,
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, year: int) -> HttpResponse:
    edition = _edition(year)
    if request.method != "POST":
        return _contacts_page(request, edition, ContactForm())
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _contacts_page(request, edition, form, status=400)
    try:
        contact = register_contact(
            edition=edition,
            municipality=form.cleaned_data["municipality"],
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=_actor(request),
        )
    except CandidacyError as exc:
        form.add_error(None, str(exc))
        return _contacts_page(request, edition, form, status=400)
    if contact.notified_at:
        note = _("%(email)s is the contact for %(name)s and has been told of the candidacy.")
    else:
        note = _(
            "%(email)s is the contact for %(name)s. They are told when the first nomination "
            "is confirmed."
        )
    messages.success(request, note % {"email": contact.email, "name": contact.municipality.name})
    return redirect("desk:nominations-contacts", year=year)


@require_http_methods(["GET"])
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A municipality's PDF, for organisers and the jury only."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = selectors.attachment(pk)
    if found is None:
        raise Http404(_("There is no such attachment."))
    if not may_read_candidacy_material(request.user, found.candidacy):
        return _forbidden(request)
    try:
        handle = storage.open_file(found.stored_name)
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/pdf"
    )
    return response


# --- the municipality contact --------------------------------------------------------------


def contact_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        contact = signed_in_contact(request)
        if contact is None:
            messages.info(request, _("Sign in with the link we e-mail you."))
            return redirect("desk:nominations-contact-signin")
        return view(request, contact, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
def contact_signin(request: HttpRequest) -> HttpResponse:
    sent = False
    refusal = ""
    form = ContactSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        limit, window = settings.KOMMUNPRIS_CONTACT_LINK_RATE_LIMIT
        try:
            throttle.reserve(
                throttle.Limit("contact-link-ip", client_address(request), limit, window),
                throttle.Limit("contact-link-email", email, limit, window),
            )
        except throttle.Limited:
            refusal = _(
                "No link was sent: many links have been asked for in a short time. Wait an hour "
                "and try again, or use the latest link you received."
            )
            status = 429
        else:
            request_contact_link(email=email)
            sent = True
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "desk/nominations/contact_signin.html",
        {
            "form": form,
            "sent": sent,
            "refusal": refusal,
            "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contact_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows whose link it is (scanners that open links spend nothing); POST signs in."""
    try:
        if request.method != "POST":
            link = contact_link_state(token)
            return render(request, "desk/nominations/contact_link.html", {"link": link})
        contact = sign_in_contact(token=token)
    except LinkError as exc:
        return render(
            request,
            "desk/nominations/contact_link_problem.html",
            {"kind": exc.kind, "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS},
        )
    request.session.cycle_key()
    request.session[CONTACT_SESSION_KEY] = {"id": contact.pk, "email": contact.email}
    request.session.set_expiry(settings.KOMMUNPRIS_CONTACT_SESSION_HOURS * 3600)
    return redirect("desk:nominations-contact")


@require_POST
def contact_signout(request: HttpRequest) -> HttpResponse:
    request.session.pop(CONTACT_SESSION_KEY, None)
    messages.info(request, _("You are signed out."))
    return redirect("desk:nominations-contact-signin")


def _contact_page(
    request: HttpRequest,
    contact: MunicipalityContact,
    *,
    contribution_form: ContributionForm | None = None,
    attachment_form: AttachmentForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    edition = contact.edition
    candidacy = selectors.candidacy_of(edition, contact.municipality_id)
    editable = candidacy is not None and contact_may_edit(contact, candidacy)
    if contribution_form is None and candidacy is not None:
        contribution_form = ContributionForm(
            initial={
                "proud": candidacy.own_proud,
                "effect": candidacy.own_effect,
                "learned": candidacy.own_learned,
            }
        )
    return render(
        request,
        "desk/nominations/contact.html",
        {
            "contact": contact,
            "edition": edition,
            "candidacy": candidacy,
            "contribution": selectors.contribution_of(candidacy) if candidacy else None,
            "editable": editable,
            "steps": next_steps.contact_steps(contact, candidacy),
            "supplement_open": supplement_is_open(edition),
            "contribution_form": contribution_form,
            "attachment_form": attachment_form or AttachmentForm(),
            "answer_limit": ContributionForm.base_fields["proud"].max_length,  # type: ignore[attr-defined]
            "max_count": settings.KOMMUNPRIS_ATTACHMENT_MAX_COUNT,
            "error": error,
        },
        status=status,
    )


def _contact_candidacy(contact: MunicipalityContact) -> Candidacy:
    found = selectors.candidacy_of(contact.edition, contact.municipality_id)
    if found is None or not contact_speaks_for(contact, found):
        raise Http404(_("Your municipality has no confirmed nomination yet."))
    return found


def _refused(exc: ContributionError) -> int:
    return 403 if isinstance(exc, SupplementClosed) else 400


@contact_required
def contact_home(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    return _contact_page(request, contact)


def _decline_confirmation(contact: MunicipalityContact, candidacy: Candidacy) -> Confirmation:
    edition = contact.edition
    return Confirmation(
        title=_("Decline the candidacy for %(name)s?") % {"name": contact.municipality.name},
        happens=[
            _("The jury is told that %(name)s does not want to be a candidate.")
            % {"name": contact.municipality.name},
            _(
                "Your own answers and documents are kept, but you cannot add to them while the "
                "municipality has declined."
            ),
        ],
        can_undo=_("You can accept again until %(when)s; after that the answer stands.")
        % {"when": dates.moment(edition.supplement_close_at)},
        button=_("Yes, decline the candidacy"),
        back=reverse("desk:nominations-contact"),
        action=reverse("desk:nominations-contact-respond"),
        hidden=[("response", "decline")],
    )


@contact_required
@require_POST
def contact_respond(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    candidacy = _contact_candidacy(contact)
    accept = request.POST.get("response") == "accept"
    try:
        if not accept and not is_confirmed(request):
            check_respond_to_candidacy(candidacy=candidacy, contact=contact)
            return ask(request, _decline_confirmation(contact, candidacy))
        respond_to_candidacy(candidacy=candidacy, contact=contact, accept=accept)
    except ContributionError as exc:
        return _contact_page(request, contact, error=str(exc), status=_refused(exc))
    if accept:
        messages.success(
            request,
            _("Thank you: %(name)s accepts the candidacy. Add your own answers below.")
            % {"name": contact.municipality.name},
        )
    else:
        messages.success(
            request,
            _("%(name)s declines the candidacy. You can change your mind until the deadline.")
            % {"name": contact.municipality.name},
        )
    return redirect("desk:nominations-contact")


def _remove_confirmation(attachment: Any) -> Confirmation:
    return Confirmation(
        title=_("Remove “%(name)s”?") % {"name": attachment.original_name},
        happens=[
            _("The document is deleted; the jury will not see it."),
            _("Your answers are kept as they are saved."),
        ],
        cannot_undo=_(
            "The file is deleted from the platform. To have it back, add it again from your "
            "own copy before the deadline."
        ),
        button=_("Yes, remove the document"),
        back=reverse("desk:nominations-contact"),
        action=reverse("desk:nominations-contact-remove", kwargs={"pk": attachment.pk}),
        hidden=[("remove", str(attachment.pk))],
    )


def _own_attachment(candidacy: Candidacy, pk: int) -> Any:
    found = next((a for a in candidacy.attachments.all() if a.pk == pk), None)
    if found is None:
        raise Http404(_("There is no such attachment."))
    return found


@contact_required
@require_POST
def contact_contribution(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    """The municipality's answers and documents in one form: the answers are saved first, so a
    document refused (or one to remove, or declining) never costs what was typed."""
    candidacy = _contact_candidacy(contact)
    form = ContributionForm(request.POST)
    upload = AttachmentForm(request.POST, request.FILES)
    has_answers = any(name in request.POST for name in ContributionForm.base_fields)
    saved = False
    if has_answers:
        if not form.is_valid():
            return _contact_page(request, contact, contribution_form=form, status=400)
        try:
            before = (candidacy.own_proud, candidacy.own_effect, candidacy.own_learned)
            candidacy = save_contribution(candidacy=candidacy, contact=contact, **form.cleaned_data)
            saved = before != (candidacy.own_proud, candidacy.own_effect, candidacy.own_learned)
        except ContributionError as exc:
            return _contact_page(
                request, contact, contribution_form=form, error=str(exc), status=_refused(exc)
            )
    kept = _("Your answers are saved.") + " " if saved else ""
    if request.POST.get("remove", "").isdigit():
        attachment = _own_attachment(candidacy, int(request.POST["remove"]))
        if saved:
            messages.success(request, _("Your answers are saved."))
        try:
            check_remove_attachment(attachment=attachment, contact=contact)
        except ContributionError as exc:
            return _contact_page(request, contact, error=str(exc), status=_refused(exc))
        return ask(request, _remove_confirmation(attachment))
    if request.POST.get("response") == "decline":
        if saved:
            messages.success(request, _("Your answers are saved."))
        try:
            check_respond_to_candidacy(candidacy=candidacy, contact=contact)
        except ContributionError as exc:
            return _contact_page(request, contact, error=str(exc), status=_refused(exc))
        return ask(request, _decline_confirmation(contact, candidacy))
    if request.FILES.get("file") is not None or not has_answers:
        if not upload.is_valid():
            return _contact_page(
                request, contact, attachment_form=upload, error=kept.strip(), status=400
            )
        try:
            added = add_attachment(
                candidacy=candidacy, contact=contact, upload=upload.cleaned_data["file"]
            )
        except ContributionError as exc:
            return _contact_page(
                request,
                contact,
                attachment_form=upload,
                error=kept + _("The document was not added: %(why)s") % {"why": str(exc)},
                status=_refused(exc),
            )
        messages.success(request, kept + _("“%(name)s” is added.") % {"name": added.original_name})
        return redirect("desk:nominations-contact")
    messages.success(
        request,
        _("Your answers are saved. You can change them until the deadline.")
        if saved
        else _("Nothing had changed; your answers stand as they were."),
    )
    return redirect("desk:nominations-contact")


@contact_required
@require_POST
def contact_remove(request: HttpRequest, contact: MunicipalityContact, pk: int) -> HttpResponse:
    candidacy = _contact_candidacy(contact)
    found = _own_attachment(candidacy, pk)
    try:
        if not is_confirmed(request):
            check_remove_attachment(attachment=found, contact=contact)
            return ask(request, _remove_confirmation(found))
        remove_attachment(attachment=found, contact=contact)
    except ContributionError as exc:
        return _contact_page(request, contact, error=str(exc), status=_refused(exc))
    messages.success(request, _("“%(name)s” is removed.") % {"name": found.original_name})
    return redirect("desk:nominations-contact")


@contact_required
@require_http_methods(["GET"])
def contact_attachment(
    request: HttpRequest, contact: MunicipalityContact, pk: int
) -> HttpResponseBase:
    """A document the municipality sent, for its own contact to open."""
    found = selectors.attachment(pk)
    if found is None or not contact_may_read_attachment(contact, found):
        raise Http404(_("There is no such attachment."))
    try:
        handle = storage.open_file(found.stored_name)
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/pdf"
    )
