"""Reads of nominations and candidacies, for the public form, the organiser, the municipality
contact and the jury (which reads candidacies, their contributions and attachments from here),
and what an e-mailed link of the call leads to while it can still be used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from kommunpris.awards.models import Award, Edition, Phase
from kommunpris.mail.models import OutgoingMail
from kommunpris.permissions import decision_is_public
from kommunpris.permissions.nominations import nominations_are_open

from .links import confirmation_link_lifetime, personal_data_link_lifetime
from .models import (
    NOMINATOR_MAIL_TEMPLATES,
    Attachment,
    Candidacy,
    CandidacyMember,
    ContactLink,
    MunicipalityContact,
    Nomination,
    NominationRevision,
    NominationStatus,
    Response,
)
from .tokens import (
    NOMINATION_SALT,
    PERSONAL_DATA_SALT,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    address_key,
    hash_secret,
    read_link,
)

CALL_PHASES = (Phase.DRAFT, Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED)


def _editions(award: Award) -> QuerySet[Edition]:
    return (
        Edition.objects.filter(award=award)
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("-year")
    )


def open_edition(award: Award, *, now: datetime | None = None) -> Edition | None:
    """The edition whose call for nominations takes nominations right now, if any."""
    now = now or timezone.now()
    for edition in _editions(award).filter(
        phase=Phase.NOMINATIONS_OPEN, nominations_close_at__gt=now
    ):
        if nominations_are_open(edition, now=now):
            return edition
    return None


@dataclass(frozen=True)
class NextCall:
    """What the nomination page says when it takes no nominations."""

    upcoming: Edition | None  # an edition prepared but not yet opened
    latest_closed: Edition | None  # a call that has closed, its winner not yet public
    next_year: int  # the next year on the award's cadence after the latest edition


def next_call(award: Award, *, now: datetime | None = None) -> NextCall:
    now = now or timezone.now()
    editions = list(_editions(award))
    upcoming = next((e for e in reversed(editions) if e.phase == Phase.DRAFT), None)
    closed = next(
        (
            e
            for e in editions
            if e.phase != Phase.DRAFT
            and e.nominations_close_at is not None
            and (e.phase != Phase.NOMINATIONS_OPEN or e.nominations_close_at <= now)
            and not decision_is_public(e, now=now)
        ),
        None,
    )
    latest_year = max((e.year for e in editions), default=now.year - 1)
    next_year = max(latest_year + 1, now.year)
    while not award.is_on_cadence(next_year):
        next_year += 1
    return NextCall(upcoming=upcoming, latest_closed=closed, next_year=next_year)


def call_editions(award: Award) -> QuerySet[Edition]:
    """Editions the organiser works on in the nominations desk (not yet with the jury)."""
    return _editions(award).filter(phase__in=CALL_PHASES)


def editions_with_a_call(award: Award) -> QuerySet[Edition]:
    """Editions that have (or will have) nominations: everything not imported from the archive."""
    return _editions(award).exclude(nominations_close_at__isnull=True)


def _members() -> Prefetch[str, QuerySet[CandidacyMember]]:
    return Prefetch(
        "members",
        queryset=CandidacyMember.objects.select_related("municipality__county").order_by(
            "position"
        ),
    )


def candidacies(
    edition: Edition,
    *,
    stage: str | None = None,
    response: str | None = None,
    county: str | None = None,
    search: str | None = None,
) -> QuerySet[Candidacy]:
    """An edition's candidacies with their members, attachments and `nomination_count`
    (confirmed nominations only), most nominated first, then in Swedish order."""
    rows = Candidacy.objects.filter(edition=edition)
    if stage:
        rows = rows.filter(stage=stage)
    if response:
        rows = rows.filter(response=response)
    if county:
        rows = rows.filter(members__municipality__county_id=county)
    if search:
        rows = rows.filter(members__municipality__name__icontains=search.strip())
    return (
        rows.annotate(
            nomination_count=Count(
                "nominations",
                filter=Q(nominations__status=NominationStatus.CONFIRMED),
                distinct=True,
            )
        )
        .annotate(
            # Equally nominated candidacies in Swedish order of their (first) municipality.
            first_name_key=Subquery(
                CandidacyMember.objects.filter(candidacy=OuterRef("pk"))
                .order_by("position")
                .values("municipality__sort_key")[:1]
            )
        )
        .select_related("edition__award")
        .prefetch_related(_members(), "attachments", "edition__award__names")
        .order_by("-nomination_count", "first_name_key", "id")
        .distinct()
    )


def candidacy(edition: Edition, pk: int) -> Candidacy | None:
    return candidacies(edition).filter(pk=pk).first()


def candidacy_of(edition: Edition, municipality_code: str) -> Candidacy | None:
    """The candidacy a municipality stands in for an edition, if any."""
    return candidacies(edition).filter(members__municipality_id=municipality_code).first()


@dataclass(frozen=True)
class Contribution:
    """What a municipality sent in itself: its answers and its PDF attachments."""

    proud: str
    effect: str
    learned: str
    updated_at: datetime | None
    attachments: list[Attachment]

    @property
    def is_empty(self) -> bool:
        return not (self.proud or self.effect or self.learned or self.attachments)


def contribution_of(candidacy: Candidacy) -> Contribution:
    """The municipality's contribution (uses prefetched attachments when loaded by candidacies)."""
    return Contribution(
        proud=candidacy.own_proud,
        effect=candidacy.own_effect,
        learned=candidacy.own_learned,
        updated_at=candidacy.contribution_updated_at,
        attachments=list(candidacy.attachments.all()),
    )


def attachment(pk: int) -> Attachment | None:
    return Attachment.objects.select_related("candidacy__edition").filter(pk=pk).first()


def nominations(
    edition: Edition,
    *,
    status: str | None = None,
    county: str | None = None,
    municipality: str | None = None,
    search: str | None = None,
    candidacy: Candidacy | None = None,
) -> QuerySet[Nomination]:
    """Every nomination of an edition with its municipality, county and candidacy."""
    rows = Nomination.objects.filter(edition=edition)
    if status:
        rows = rows.filter(status=status)
    if county:
        rows = rows.filter(municipality__county_id=county)
    if municipality:
        rows = rows.filter(municipality_id=municipality)
    if candidacy is not None:
        rows = rows.filter(candidacy=candidacy)
    if search:
        text = search.strip()
        rows = rows.filter(
            Q(proud__icontains=text)
            | Q(effect__icontains=text)
            | Q(learned__icontains=text)
            | Q(nominator_name__icontains=text)
            | Q(nominator_organisation__icontains=text)
            | Q(municipality__name__icontains=text)
        )
    return rows.select_related("municipality__county", "candidacy").order_by(
        "municipality__sort_key", "submitted_at", "id"
    )


def nomination(edition: Edition, pk: int) -> Nomination | None:
    return nominations(edition).filter(pk=pk).first()


def counts(edition: Edition) -> dict[str, int]:
    """Nominations by status, and candidacies by response, for the organiser's summary."""
    by_status = dict(
        Nomination.objects.filter(edition=edition)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    by_response = dict(
        Candidacy.objects.filter(edition=edition)
        .values_list("response")
        .annotate(n=Count("id"))
        .values_list("response", "n")
    )
    return {
        "confirmed": by_status.get(NominationStatus.CONFIRMED, 0),
        "pending": by_status.get(NominationStatus.PENDING, 0),
        "rejected": by_status.get(NominationStatus.REJECTED, 0),
        "candidacies": sum(by_response.values()),
        "accepted": by_response.get(Response.ACCEPTED, 0),
        "declined": by_response.get(Response.DECLINED, 0),
    }


def contacts(edition: Edition) -> QuerySet[MunicipalityContact]:
    return (
        MunicipalityContact.objects.filter(edition=edition)
        .select_related("municipality__county")
        .order_by("municipality__sort_key")
    )


def contact(pk: int) -> MunicipalityContact | None:
    return (
        MunicipalityContact.objects.select_related("edition__award", "municipality")
        .prefetch_related("edition__award__names")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class PersonalData:
    """Everything kept about one nominator's address: their nominations (with the edition and
    municipality) and the messages the platform sent to it."""

    email: str
    nominations: list[Nomination]
    mails: list[OutgoingMail]

    @property
    def is_empty(self) -> bool:
        return not self.nominations and not self.mails


def personal_data(email: str) -> PersonalData:
    if "@" not in email:  # "" would match every erased nomination
        return PersonalData(email="", nominations=[], mails=[])
    nominations = list(
        Nomination.objects.filter(nominator_email=email)
        .select_related("edition__award", "municipality")
        .prefetch_related("edition__award__names", "revisions")
        .order_by("-edition__year", "municipality__sort_key", "id")
    )
    mails = list(
        OutgoingMail.objects.filter(to__iexact=email, template__in=NOMINATOR_MAIL_TEMPLATES)
        .only("to", "subject", "template", "language", "status", "created_at", "sent_at")
        .order_by("created_at", "id")
    )
    return PersonalData(email=email, nominations=nominations, mails=mails)


# --- what an e-mailed link leads to ------------------------------------------------------


@dataclass(frozen=True)
class LinkedText:
    """What a confirmation link confirms: its nomination, and the newer text it was mailed with
    (None: the nomination's own first text)."""

    nomination: Nomination
    revision: NominationRevision | None

    @property
    def text(self) -> Nomination | NominationRevision:
        return self.revision if self.revision is not None else self.nomination


def nomination_from_link(token: str, *, now: datetime | None = None) -> LinkedText:
    """The nomination and text a confirmation link belongs to, if the link can still be used.

    Raises LinkInvalid (forged or damaged), LinkExpired (older than its lifetime) or LinkUsed
    (followed already, or a newer text has been confirmed since; `.nomination` says which).
    """
    now = now or timezone.now()
    link = read_link(token, salt=NOMINATION_SALT, now=now, valid_for=confirmation_link_lifetime())
    nomination = (
        Nomination.objects.select_related("edition__award", "municipality", "candidacy")
        .prefetch_related("edition__award__names", "revisions")
        .filter(pk=link.object_id)
        .first()
    )
    if nomination is None:
        raise LinkInvalid(token)
    secret_hash = hash_secret(link.secret)
    if nomination.token_hash and constant_time_compare(nomination.token_hash, secret_hash):
        return LinkedText(nomination=nomination, revision=None)
    for revision in nomination.revisions.all():
        if constant_time_compare(revision.token_hash, secret_hash):
            return LinkedText(nomination=nomination, revision=revision)
    raise LinkUsed(token, nomination)


def contact_link_state(token: str, *, now: datetime | None = None) -> ContactLink:
    """The link if it can still be used; raises LinkInvalid, LinkUsed or LinkExpired."""
    now = now or timezone.now()
    link = (
        ContactLink.objects.select_related("contact__municipality", "contact__edition__award")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if link is None:
        raise LinkInvalid(token)
    if link.used_at is not None:
        raise LinkUsed(token)
    if link.expires_at <= now:
        raise LinkExpired(token)
    return link


def personal_data_address(token: str, *, now: datetime | None = None) -> str:
    """The address a personal-data link was sent to, or "" once nothing is kept about it (its
    owner deleted it, or it was erased on schedule). Raises LinkInvalid (forged or damaged) or
    LinkExpired (older than its lifetime)."""
    now = now or timezone.now()
    link = read_link(
        token, salt=PERSONAL_DATA_SALT, now=now, valid_for=personal_data_link_lifetime()
    )
    email = (
        Nomination.objects.filter(pk=link.object_id)
        .order_by()
        .values_list("nominator_email", flat=True)
        .first()
    )
    if not email or not constant_time_compare(address_key(email), link.secret):
        return ""
    return email


def erasure_deletes_entirely(nomination: Nomination, *, now: datetime | None = None) -> bool:
    """Whether a nominator's deletion request removes this nomination altogether: it never
    counted (unconfirmed or rejected), or the call is still open so it can simply be withdrawn.
    Otherwise the jury has had it: the texts stay in its record without name or address."""
    return nomination.status != NominationStatus.CONFIRMED or nominations_are_open(
        nomination.edition, now=now
    )
