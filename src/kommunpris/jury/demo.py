"""The demo edition: a call for nominations and a jury, simulated through the same services a
person would use, with every choice drawn from a seeded generator so a run can be repeated."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.archive.models import Winner
from kommunpris.audit.vocabulary import CLI, MachineActor
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import close_nominations, create_edition, open_nominations
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.services import compose
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import (
    Candidacy,
    MunicipalityContact,
    NominationQuestion,
    Stage,
)
from kommunpris.nominations.questions import questions_of
from kommunpris.register.models import Municipality

from . import selectors, services
from .models import Criterion, Membership, Role, TieKind

# Addresses under the reserved .invalid domain: a demo never mails a real person.
DEMO_DOMAIN = "demo.invalid"


@dataclass(frozen=True)
class DemoJuror:
    name: str
    role: str = Role.JUROR

    @property
    def email(self) -> str:
        first, last = self.name.lower().split(" ", 1)
        fold = str.maketrans("åäöé", "aaoe")
        return f"{first.translate(fold)}.{last.translate(fold).replace(' ', '')}@{DEMO_DOMAIN}"


JURY = (
    DemoJuror("Karin Lindqvist", Role.CHAIR),
    DemoJuror("Ahmed Haddad"),
    DemoJuror("Elin Björk"),
    DemoJuror("Mikael Sundberg"),
    DemoJuror("Sara Nilsson"),
    DemoJuror("Johan Ek"),
)

# What a juror might write, by score.
COMMENTS = {
    0: ["Syns inte i underlaget.", "Saknas helt."],
    1: ["Enstaka ansatser, men inget som bär.", "Beskrivs mer än det visas."],
    2: ["Finns på plats i delar av organisationen.", "Rätt riktning, men ojämnt."],
    3: ["Tydligt och genomtänkt.", "Starkt, med goda exempel i flera verksamheter."],
    4: ["Ett föredöme för landet.", "Visar vägen för andra kommuner."],
}
# How a motivation speaks of each default criterion.
PRAISE = {
    "Ledarskap och styrning": "ett starkt och tydligt ledarskap",
    "Kultur, kompetens och förmåga": "en förflyttning av kultur, kompetens och förmåga",
    "Nytta för invånare, medarbetare och företag": (
        "värdet för invånare och medarbetare i första rummet"
    ),
    "Samverkan och delning": "en samverkan som delar med sig brett",
    "Innovation och mod": "mod och nyfikenhet",
    "Resultat och hållbarhet": "resultat på riktigt",
    "Demokrati och delaktighet": "en digitalisering som förnyar demokratin",
}
SITE_VISITS = [
    "Vi träffade kommundirektören och digitaliseringsstrategen. Ledningen beskriver arbetet "
    "med samma ord som medarbetarna i verksamheterna.",
    "Besöket visade en e-tjänst som invånarna själva varit med och tagit fram. Kontaktcenter "
    "vittnar om färre ärenden och nöjdare invånare.",
    "Samarbetet med grannkommunerna är konkret: gemensam plattform och en delad förvaltning. "
    "Små resurser, stor effekt.",
]


NOMINATORS = (
    ("Maria Holm", ""),
    ("Lars Berg", "Företagarna"),
    ("Fatima Ali", "Sambruk"),
    ("Erik Strand", ""),
    ("Anna Wik", "Vision"),
    ("Per Dahl", "Sambruk"),
    ("Lena Falk", "Hyresgästföreningen"),
    ("Omar Said", ""),
)
PROUD = (
    "En gemensam ingång för invånarnas ärenden, där {name} svarar dygnet runt.",
    "Välfärdsteknik i hemtjänsten som ger de äldre mer tid med personalen i {name}.",
    "Öppna data om skolor och lokaler som företag och föreningar i {name} använder.",
    "Ett digitalt bygglov som har halverat handläggningstiden i {name}.",
)
EFFECT = (
    "Färre samtal till kontaktcenter och nöjdare invånare.",
    "Medarbetarna lägger mindre tid på administration och mer på kärnuppdraget.",
    "Kortare väntetider och en service som fungerar även för den som inte är digital.",
)
LEARNED = (
    "Att börja i invånarnas behov och mäta effekten från första dagen.",
    "Att ledningen måste gå före och att verksamheten ska äga förändringen.",
    "Att dela med sig: grannkommunerna har återanvänt lösningen.",
)
ANSWER_TEXTS = (PROUD, EFFECT, LEARNED)


def demo_answers(
    questions: Sequence[NominationQuestion], rng: random.Random, name: str
) -> dict[str, str]:
    """Made-up answers to an edition's questions, whatever they are (the standard three get a
    pride, an effect and a lesson, in that order), cut to each question's limit."""
    return {
        q.key: rng.choice(ANSWER_TEXTS[i % len(ANSWER_TEXTS)]).format(name=name)[: q.max_length]
        for i, q in enumerate(questions)
    }


@dataclass(frozen=True)
class Call:
    """What the simulated call for nominations left behind."""

    edition: Edition
    nominations: int
    candidacies: int
    supplement_closed_at: datetime  # when the jury may start, on the simulated clock


def _slug(text: str) -> str:
    fold = str.maketrans("åäöéü ", "aaoeu-")
    return "".join(ch for ch in text.lower().translate(fold) if ch.isalnum() or ch == "-")


def _confirmation_token(email: str) -> str:
    """The token in the newest confirmation link mailed to `email` (what the person clicks)."""
    mail = OutgoingMail.objects.filter(to=email, template="nominations/confirm").latest("id")
    marker = "/nominera/bekrafta/"
    link = next(word for word in compose(mail).body.split() if marker in word)
    return link.split(marker, 1)[1].strip("/").split("/")[0]


def run_call(
    *,
    award: Award,
    year: int,
    publish_at: datetime,
    rng: random.Random,
    actor: MachineActor = CLI,
    say: Callable[[str], None] = print,
) -> Call:
    """create_edition → open → nominations confirmed by e-mail → contacts answer → closed.

    The call runs on a simulated clock that ends a month before its deadline, so a demo of a
    past year works as well as one of a coming year.
    """
    close_at = publish_at - timedelta(days=150)
    supplement_at = publish_at - timedelta(days=120)
    now = min(timezone.now(), close_at - timedelta(days=60))
    edition = create_edition(
        award=award,
        year=year,
        nominations_close_at=close_at,
        supplement_close_at=supplement_at,
        ceremony_at=publish_at,
        actor=actor,
    )
    edition = open_nominations(edition=edition, actor=actor, now=now)
    counties = list(Municipality.objects.values_list("county_id", flat=True).distinct())
    joint_county = rng.choice(sorted(counties))
    pair = rng.sample(list(Municipality.objects.filter(county_id=joint_county)), 2)
    others = rng.sample(
        list(Municipality.objects.exclude(code__in=[m.code for m in pair]).order_by("code")), 10
    )
    nominated = [*pair, *others]
    questions = questions_of(edition)
    count = 0
    for municipality in nominated:
        for name, organisation in rng.sample(NOMINATORS, rng.randint(1, 4)):
            email = f"{_slug(name)}@{DEMO_DOMAIN}"
            now += timedelta(minutes=rng.randint(5, 600))
            nominations.submit_nomination(
                edition=edition,
                municipality=municipality,
                answers=demo_answers(questions, rng, municipality.name),
                nominator_name=name,
                nominator_email=email,
                nominator_organisation=organisation,
                now=now,
            )
            nominations.confirm_nomination(token=_confirmation_token(email), now=now)
            count += 1
    by_code = {
        m.municipality_id: m.candidacy
        for c in Candidacy.objects.filter(edition=edition).prefetch_related("members")
        for m in c.members.all()
    }
    nominations.join_candidacies(candidacies=[by_code[m.code] for m in pair], actor=actor)
    answer_as_contacts(
        edition,
        questions,
        rng,
        email_of=lambda m: f"digitalisering@{_slug(m.name)}.{DEMO_DOMAIN}",
        actor=actor,
        now=now,
    )
    edition = close_nominations(edition=edition, actor=actor)
    candidacies = Candidacy.objects.filter(edition=edition).count()
    say(
        _(
            "The call: %(count)s confirmed nominations of %(municipalities)s municipalities, "
            "%(candidacies)s candidacies (one of them joint)."
        )
        % {"count": count, "municipalities": len(nominated), "candidacies": candidacies}
    )
    return Call(
        edition=edition,
        nominations=count,
        candidacies=candidacies,
        supplement_closed_at=max(timezone.now(), supplement_at + timedelta(minutes=1)),
    )


def _seat_jury(
    edition: Edition,
    *,
    jury: Sequence[DemoJuror],
    actor: str,
    say: Callable[[str], None],
) -> dict[str, User]:
    people: dict[str, User] = {}
    for person in jury:
        seat = services.invite_member(
            edition=edition, email=person.email, role=person.role, name=person.name, actor=actor
        )
        services.accept_invitation(actor=seat.user, password=f"demo-{seat.user.pk}-lösenord")
        people[person.name] = User.objects.get(pk=seat.user_id)
    say(
        _("The jury: %(count)s people, %(chair)s in the chair.")
        % {"count": len(people), "chair": jury[0].name}
    )
    return people


def answer_as_contacts(
    edition: Edition,
    questions: Sequence[NominationQuestion],
    rng: random.Random,
    *,
    email_of: Callable[[Municipality], str],
    actor: MachineActor,
    now: datetime,
) -> None:
    """Each candidacy gets a contact (at its first municipality, the address `email_of` it);
    four in five accept and write their own answers, through the services."""
    for candidacy in Candidacy.objects.filter(edition=edition).prefetch_related(
        "members__municipality"
    ):
        first = candidacy.municipalities[0]
        contact = nominations.register_contact(
            edition=edition,
            municipality=first,
            email=email_of(first),
            name=f"Digitaliseringschefen i {first.name}",
            actor=actor,
            now=now,
        )
        if rng.random() < 0.8:
            contact = MunicipalityContact.objects.get(pk=contact.pk)
            nominations.respond_to_candidacy(
                candidacy=candidacy, actor=contact, accept=True, now=now
            )
            nominations.save_contribution(
                candidacy=candidacy,
                actor=contact,
                answers=demo_answers(questions, rng, candidacy.name),
                now=now,
            )


def _declare_ties(
    edition: Edition,
    people: dict[str, User],
    candidacies: Sequence[Candidacy],
    *,
    rng: random.Random,
    say: Callable[[str], None],
) -> None:
    """Realistic ties: a juror living in a candidate municipality, one working for a region,
    one on the board of an organisation that nominates; in a jury larger than the demo's, also
    one living in another candidate municipality and one who has advised a candidacy."""
    seats = {m.user_id: m for m in Membership.objects.filter(edition=edition)}
    jurors = [user for user in people.values() if seats[user.pk].role == Role.JUROR]
    home_candidacy, region_candidacy = rng.sample(list(candidacies), 2)
    home = rng.choice(home_candidacy.municipalities)
    county = rng.choice(region_candidacy.municipalities).county
    services.declare_tie(
        seat=seats[jurors[0].pk],
        kind=TieKind.HOME,
        municipality_code=home.code,
        note=f"Bor i {home.name}.",
        actor=jurors[0],
    )
    services.declare_tie(
        seat=seats[jurors[1].pk],
        kind=TieKind.COUNTY,
        county_code=county.code,
        county_wide=True,
        note=f"Anställd av regionen i {county.name}.",
        actor=jurors[1],
    )
    services.declare_tie(
        seat=seats[jurors[2].pk],
        kind=TieKind.ORGANISATION,
        organisation="Sambruk",
        note="Styrelseledamot.",
        actor=jurors[2],
    )
    if len(people) > len(JURY):
        other_home, advised = rng.sample(
            [c for c in candidacies if c not in (home_candidacy, region_candidacy)], 2
        )
        neighbour = rng.choice(other_home.municipalities)
        services.declare_tie(
            seat=seats[jurors[3].pk],
            kind=TieKind.HOME,
            municipality_code=neighbour.code,
            note=f"Bor i {neighbour.name}.",
            actor=jurors[3],
        )
        services.declare_tie(
            seat=seats[jurors[4].pk],
            kind=TieKind.CANDIDACY,
            candidacy=advised,
            note="Har varit konsult åt kommunen i år.",
            actor=jurors[4],
        )
    recusals = selectors.recusal_record(edition)
    say(
        _("Conflicts: %(count)s cases where a member stands outside a candidacy.")
        % {"count": len(recusals)}
    )


def score_round(
    edition: Edition,
    stage: str,
    people: dict[str, User],
    quality: dict[int, dict[int, float]],
    *,
    chair: User,
    rng: random.Random,
    say: Callable[[str], None],
) -> selectors.RoundResults:
    """Open the round, let every member submit a sheet for every candidacy they may see
    (scores drawn around each candidacy's quality, with each juror's own bias), close it."""
    scoring_round = services.open_round(edition=edition, stage=stage, actor=chair)
    criteria = list(Criterion.objects.filter(edition=edition))
    bias = {user.pk: rng.gauss(0, 0.35) for user in people.values()}
    sheets = 0
    for user in people.values():
        for candidacy in selectors.candidacies_for(edition, user, stage=stage):
            entries = {}
            for criterion in criteria:
                raw = quality[candidacy.pk][criterion.pk] + bias[user.pk] + rng.gauss(0, 0.5)
                value = max(0, min(4, round(raw)))
                entries[criterion.pk] = services.EntryInput(value, rng.choice(COMMENTS[value]))
            services.save_score_sheet(
                scoring_round=scoring_round,
                candidacy=candidacy,
                actor=user,
                entries=entries,
                comment=f"{candidacy.name}: {rng.choice(COMMENTS[round(_mean(entries))])}",
                submit=True,
            )
            sheets += 1
    services.close_round(scoring_round=scoring_round, actor=chair)
    say(
        _("Scoring of %(stage)s: %(count)s score sheets submitted.")
        % {"stage": services.STAGE_WORDS[stage], "count": sheets}
    )
    return selectors.round_results(scoring_round, chair)


def _mean(entries: dict[int, services.EntryInput]) -> float:
    values = [e.value for e in entries.values() if e.value is not None]
    return sum(values) / len(values)


def promote(
    results: selectors.RoundResults, count: int, stage: str, *, chair: User
) -> list[Candidacy]:
    """Move the round's best `count` candidacies on to `stage`."""
    ranked = [row.candidacy for row in results.rows if row.rank is not None][:count]
    for candidacy in ranked:
        services.move_candidacy(candidacy=candidacy, stage=stage, actor=chair)
    return ranked


def run_jury(
    *,
    edition: Edition,
    publish_at: datetime,
    rng: random.Random,
    actor: MachineActor = CLI,
    say: Callable[[str], None] = print,
    publish_at_once: bool = False,
    review_from: datetime | None = None,
    jury: Sequence[DemoJuror] = JURY,
    nominees: int | None = None,
    finalists: int | None = None,
) -> Winner:
    """From nominations closed to the decision: the whole jury, simulated. The first person of
    `jury` chairs it; without `nominees` and `finalists` the funnel narrows to half the field
    (3 to 8), then to 3 or 4 finalists."""
    candidacies = list(
        Candidacy.objects.filter(edition=edition).prefetch_related("members__municipality__county")
    )
    if len(candidacies) < 3:
        raise services.JuryError("Demon behöver minst tre kandidaturer.")
    people = _seat_jury(edition, jury=jury, actor=actor, say=say)
    chair = people[jury[0].name]
    _declare_ties(edition, people, candidacies, rng=rng, say=say)
    services.start_jury_review(edition=edition, actor=actor, now=review_from)
    criteria = list(Criterion.objects.filter(edition=edition))
    quality = {c.pk: {k.pk: rng.uniform(1.0, 3.4) for k in criteria} for c in candidacies}

    first = score_round(edition, Stage.CANDIDACY, people, quality, chair=chair, rng=rng, say=say)
    nominee_count = nominees or min(8, max(3, len(candidacies) // 2))
    chosen = promote(first, nominee_count, Stage.NOMINEE, chair=chair)
    say(_("Nominees: %(names)s.") % {"names": ", ".join(c.name for c in chosen)})
    second = score_round(edition, Stage.NOMINEE, people, quality, chair=chair, rng=rng, say=say)
    finalist_count = finalists or (3 if len(chosen) < 6 else 4)
    shortlist = promote(second, finalist_count, Stage.FINALIST, chair=chair)
    say(_("Finalists: %(names)s.") % {"names": ", ".join(c.name for c in shortlist)})

    visit_day = timezone.localdate(publish_at) - timedelta(days=30)
    for number, finalist in enumerate(shortlist):
        visitors = [
            u for u in people.values() if selectors.visible_candidacy(edition, u, finalist.pk)
        ]
        services.add_site_visit_note(
            candidacy=finalist,
            actor=rng.choice(visitors),
            body=SITE_VISITS[number % len(SITE_VISITS)],
            visited_on=visit_day + timedelta(days=number),
        )
    third = score_round(edition, Stage.FINALIST, people, quality, chair=chair, rng=rng, say=say)
    services.start_deliberation(edition=edition, actor=chair)

    means = {row.candidacy.pk: row.mean_total or 0.0 for row in third.rows}
    for user in people.values():
        visible = [c for c in shortlist if selectors.visible_candidacy(edition, user, c.pk)]
        if not visible:
            continue
        mine = sorted(visible, key=lambda c: -(means[c.pk] + rng.gauss(0, 0.3)))
        services.cast_ballot(
            edition=edition, actor=user, ranks={c.pk: place for place, c in enumerate(mine, 1)}
        )
    count = selectors.ballot_count(edition)
    if count.result.ties:
        order = [pk for tier in count.result.ties for pk in sorted(tier, key=lambda pk: -means[pk])]
        services.break_tie(
            edition=edition, order=order, actor=chair, note="Juryn enades efter samtal."
        )
        count = selectors.ballot_count(edition)
    ranking = " > ".join(
        " = ".join(c.name for c in shortlist if c.pk in tier) for tier in count.order
    )
    say(_("The ballot: %(order)s.") % {"order": ranking})
    winner_candidacy = next(c for c in shortlist if c.pk == count.leaders[0])
    row = next(r for r in third.rows if r.candidacy.pk == winner_candidacy.pk)
    best = sorted(
        zip(third.criteria, row.criterion_means, strict=True), key=lambda pair: -(pair[1] or 0)
    )[:2]
    praise = [PRAISE.get(criterion.name, criterion.name.lower()) for criterion, _score in best]
    motivation = (
        f"{winner_candidacy.name} visar hur {praise[0]} och {praise[1]} gör digitaliseringen "
        "till en del av hela kommunens arbete. Juryn har sett en organisation som vågar, "
        "lär av det som inte fungerar och delar med sig till andra."
    )
    return services.record_decision(
        edition=edition,
        candidacy=winner_candidacy,
        display_name=services.suggested_display_name(winner_candidacy),
        motivation=motivation,
        publish_at=publish_at,
        actor=chair,
        publish_at_once=publish_at_once,
    )
