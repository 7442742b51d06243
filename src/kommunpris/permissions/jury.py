"""Who may see and do what in the jury, and the conflict-of-interest rule.

The conflict rule is written here and nowhere else. A jury member is conflicted out of a
candidacy when they declared a tie to
- any municipality of the candidacy (every member of a joint candidacy counts), or
- the county of any of those municipalities, where the tie is declared county-wide, or
- an organisation that nominated the candidacy (a confirmed nomination names it as the
  nominator's organisation; compared without regard to case or spacing), or
- the candidacy itself.
County ties not declared county-wide, and ties to organisations that nominated nothing, are on
the record for the chair to see but do not by themselves conflict. Ties are read at request
time, so a tie takes effect the moment it is declared. A conflicted member never sees the
candidacy; their scores and ballot never count for it; the chair is bound by the rule like
every other member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User

from kommunpris.audit.vocabulary import CLI, SYSTEM
from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.models import MUNICIPALITY_TIES, Membership, Role, ScoringRound, Tie, TieKind
from kommunpris.nominations.models import (
    Candidacy,
    CandidacyMember,
    Nomination,
    NominationStatus,
    Stage,
)

from .accounts import is_organiser as is_organiser  # re-exported for older imports
from .registry import register

AnyUser = User | AnonymousUser
# Who asks a jury service: a person, or the command line or the platform itself.
Actor = AnyUser | str

# Phases in which the jury works on an edition; after them scores and ballots are frozen.
JURY_PHASES = (Phase.JURY_REVIEW, Phase.DELIBERATION)
FROZEN_PHASES = (Phase.DECIDED, Phase.ANNOUNCED)


@dataclass(frozen=True)
class Place:
    """Where a municipality lies: the facts the conflict rule compares ties with."""

    municipality: str
    county: str


@dataclass
class Facts:
    """What the conflict rule compares ties with for one candidacy."""

    places: list[Place] = field(default_factory=list)
    nominated_by: set[str] = field(default_factory=set)  # organisations, as organisation_key


def organisation_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def is_operator(actor: object) -> bool:
    """The command line and the platform itself (`audit.vocabulary.CLI`, `SYSTEM`) act with the
    organiser's rights: whoever runs a command on the server has those already."""
    return isinstance(actor, str) and actor in (CLI, SYSTEM)


def _organises(actor: Actor) -> bool:
    return is_operator(actor) or (not isinstance(actor, str) and is_organiser(actor))


def membership(user: AnyUser, edition: Edition) -> Membership | None:
    """The person's seat on the edition's jury. A seat found is kept on the user object for the
    rest of the request: the views, the template tag and the services ask several predicates
    of one page, and a seat is never taken away or changed in role once made."""
    if not (user.is_authenticated and user.is_active):
        return None
    seats: dict[int, Membership] | None = getattr(user, "_jury_seats", None)
    if seats is None:
        seats = {}
        setattr(user, "_jury_seats", seats)  # noqa: B010 (a cache the User model does not declare)
    seat = seats.get(edition.pk)
    if seat is None:
        seat = Membership.objects.filter(edition=edition, user_id=user.pk).first()
        if seat is not None:
            seats[edition.pk] = seat
    return seat


def is_member(user: AnyUser, edition: Edition) -> bool:
    return membership(user, edition) is not None


def is_chair(user: AnyUser, edition: Edition) -> bool:
    seat = membership(user, edition)
    return seat is not None and seat.role == Role.CHAIR


def is_frozen(edition: Edition) -> bool:
    """Scores and ballots freeze at the decision."""
    return edition.phase in FROZEN_PHASES


# --- the conflict rule ------------------------------------------------------------------


def conflicting_ties(ties: Iterable[Tie], *, candidacy_id: int, facts: Facts) -> list[Tie]:
    """The ties that conflict a member out of one candidacy."""
    codes = {p.municipality for p in facts.places}
    counties = {p.county for p in facts.places}
    found = []
    for tie in ties:
        if (
            (tie.kind in MUNICIPALITY_TIES and tie.municipality_id in codes)
            or (tie.kind == TieKind.COUNTY and tie.county_wide and tie.county_id in counties)
            or (
                tie.kind == TieKind.ORGANISATION
                and organisation_key(tie.organisation) in facts.nominated_by
            )
            or (tie.kind == TieKind.CANDIDACY and tie.candidacy_id == candidacy_id)
        ):
            found.append(tie)
    return found


# (candidacy id, municipality code, county code) of one member of a candidacy.
MemberPlace = tuple[int, str, str]


def facts_of_candidacies(
    edition: Edition, *, nominators: bool = True, places: Iterable[MemberPlace] | None = None
) -> dict[int, Facts]:
    """Every candidacy of the edition with where its municipalities lie and who nominated it
    (`nominators=False`: left out, for ties that do not ask who nominated; `places`: every
    member's place, when the caller has read the members already)."""
    facts: defaultdict[int, Facts] = defaultdict(Facts)
    if places is None:
        places = CandidacyMember.objects.filter(edition=edition).values_list(
            "candidacy_id", "municipality_id", "municipality__county_id"
        )
    for candidacy_id, code, county in places:
        facts[candidacy_id].places.append(Place(code, county))
    if not nominators:
        return dict(facts)
    # Each organisation once per candidacy, however many of its people nominated it: the
    # database sends as many rows as there are pairs, not as there are nominations.
    organisations = (
        Nomination.objects.filter(
            edition=edition, status=NominationStatus.CONFIRMED, candidacy__isnull=False
        )
        .exclude(nominator_organisation="")
        .values_list("candidacy_id", "nominator_organisation")
        .order_by()
        .distinct()
    )
    for candidacy_id, organisation in organisations:
        if candidacy_id in facts:
            facts[candidacy_id].nominated_by.add(organisation_key(organisation))
    return dict(facts)


def conflicts_by_member(
    edition: Edition,
    *,
    facts: Mapping[int, Facts] | None = None,
    places: Iterable[MemberPlace] | None = None,
) -> dict[int, dict[int, list[Tie]]]:
    """user id -> candidacy id -> the ties that conflict that member out of that candidacy."""
    ties_by_user: defaultdict[int, list[Tie]] = defaultdict(list)
    for tie in Tie.objects.filter(membership__edition=edition).select_related(
        "membership", "municipality", "county", "candidacy"
    ):
        ties_by_user[tie.membership.user_id].append(tie)
    if not ties_by_user:
        return {}
    if facts is None:
        facts = facts_of_candidacies(
            edition, nominators=_asks_who_nominated(ties_by_user), places=places
        )
    result: dict[int, dict[int, list[Tie]]] = {}
    for user_id, ties in ties_by_user.items():
        per_candidacy = {}
        for candidacy_id, candidacy_facts in facts.items():
            found = conflicting_ties(ties, candidacy_id=candidacy_id, facts=candidacy_facts)
            if found:
                per_candidacy[candidacy_id] = found
        result[user_id] = per_candidacy
    return result


def _asks_who_nominated(ties_by_user: Mapping[int, list[Tie]]) -> bool:
    return any(t.kind == TieKind.ORGANISATION for ties in ties_by_user.values() for t in ties)


def conflicted_candidacy_ids(user: AnyUser, edition: Edition) -> frozenset[int]:
    """The candidacies of the edition this person is conflicted out of, as of now."""
    if not user.is_authenticated:
        return frozenset()
    ties = list(Tie.objects.filter(membership__edition=edition, membership__user_id=user.pk))
    if not ties:
        return frozenset()
    facts = facts_of_candidacies(edition, nominators=_asks_who_nominated({user.pk: ties}))
    return frozenset(
        candidacy_id
        for candidacy_id, candidacy_facts in facts.items()
        if conflicting_ties(ties, candidacy_id=candidacy_id, facts=candidacy_facts)
    )


# --- predicates the views, templates and services ask -------------------------------------


def may_view_jury(user: AnyUser, edition: Edition) -> bool:
    """The edition's jury pages: its members, and organisers (who see no scores)."""
    return is_member(user, edition) or is_organiser(user)


def may_manage_jury(user: Actor, edition: Edition) -> bool:
    """Inviting members and editing the rubric is the organiser's work."""
    return _organises(user)


def may_start_review(user: Actor, edition: Edition) -> bool:
    """Handing the candidacies to the jury: the organiser, who closed the call, or the chair."""
    return _organises(user) or (not isinstance(user, str) and is_chair(user, edition))


def may_act_for_seat(user: AnyUser, seat: Membership) -> bool:
    """A member declares (and withdraws) their own ties and chooses their own language;
    nobody does it for another."""
    return bool(user.is_authenticated and user.is_active and seat.user_id == user.pk)


def rubric_is_locked(edition: Edition) -> bool:
    """The rubric can be edited until the first scoring round opens."""
    return ScoringRound.objects.filter(edition=edition).exists()


def may_edit_rubric(user: Actor, edition: Edition) -> bool:
    return may_manage_jury(user, edition) and not rubric_is_locked(edition)


def hidden_finalist_ids(user: AnyUser, edition: Edition) -> frozenset[int]:
    """The finalists this person is conflicted out of."""
    hidden = conflicted_candidacy_ids(user, edition)
    if not hidden:
        return frozenset()
    finalists = Candidacy.objects.filter(edition=edition, stage=Stage.FINALIST)
    return frozenset(hidden & set(finalists.values_list("pk", flat=True)))


def sees_the_whole_final(user: AnyUser, edition: Edition) -> bool:
    """Whether a member sees every finalist, and so the ballot's order and the winner.

    A member conflicted out of any finalist is shown neither the winner nor where the hidden
    finalist placed — whichever finalist won or led: what they see must read the same either
    way, or a winner without a name, or a ballot list starting at second place, would tell
    them about the candidacy they may not see.
    """
    return not hidden_finalist_ids(user, edition)


def may_view_candidacy(user: AnyUser, candidacy: Candidacy) -> bool:
    """A member sees a candidacy unless conflicted out of it; anyone else never does here."""
    return is_member(user, candidacy.edition) and candidacy.pk not in conflicted_candidacy_ids(
        user, candidacy.edition
    )


def in_round(candidacy: Candidacy, scoring_round: ScoringRound) -> bool:
    """A round takes in every candidacy that has reached its stage."""
    return Stage.rank(candidacy.stage) >= Stage.rank(scoring_round.stage)


def may_score(user: AnyUser, scoring_round: ScoringRound, candidacy: Candidacy) -> bool:
    edition = scoring_round.edition
    return (
        scoring_round.is_open
        and not is_frozen(edition)
        and edition.phase in JURY_PHASES
        and in_round(candidacy, scoring_round)
        and may_view_candidacy(user, candidacy)
    )


def may_see_others_scores(user: AnyUser, *, own_sheet_submitted: bool, edition: Edition) -> bool:
    """Blind scoring: a juror sees the others' sheets once their own is in; the chair always."""
    return own_sheet_submitted or is_chair(user, edition)


def may_lead(user: AnyUser, edition: Edition) -> bool:
    """The chair's work: the funnel, the rounds, the results, the ballot count, the decision."""
    return is_chair(user, edition)


def may_view_recusals(user: AnyUser, edition: Edition) -> bool:
    return is_chair(user, edition) or is_organiser(user)


def may_cast_ballot(user: AnyUser, edition: Edition) -> bool:
    return is_member(user, edition) and edition.phase == Phase.DELIBERATION


def may_decide(user: AnyUser, edition: Edition) -> bool:
    return is_chair(user, edition) and edition.phase == Phase.DELIBERATION


def may_break_ties(user: AnyUser, edition: Edition) -> bool:
    """The chair orders tied finalists, unless conflicted out of any finalist (then whether a
    tie may be broken would depend on where the hidden finalist placed)."""
    return may_decide(user, edition) and sees_the_whole_final(user, edition)


register("jury.serve", is_member)
register("jury.view", may_view_jury)
register("jury.manage", may_manage_jury)
register("jury.edit_rubric", may_edit_rubric)
register("jury.view_candidacy", may_view_candidacy)
register("jury.lead", may_lead)
register("jury.view_recusals", may_view_recusals)
register("jury.cast_ballot", may_cast_ballot)
register("jury.decide", may_decide)
register("jury.break_ties", may_break_ties)
register("jury.start_review", may_start_review)
register("jury.act_for_seat", may_act_for_seat)
