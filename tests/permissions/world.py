"""The world the permission matrix asks about, built through the services; the desk's
accessibility tests (tests/a11y) open every desk page in it too.

Three editions of the default award, on years counted from today so the world never ages:

- `decided` (the next odd year): the jury has decided; the winner, Mora, Orsa och Älvdalen, is
  embargoed until the gala in November of that year.
- `jury` (two years later): in deliberation. Five candidacies went through all three scoring
  rounds: Mora, Orsa och Älvdalen (joint), Sundsvall and Kiruna are finalists, Timrå is a
  nominee, Ljusdal stayed a candidacy. The joint candidacy and Sundsvall sent PDFs; finalists
  have site-visit notes; the ballot is cast; one invited member has not yet accepted.
- `call` (two years after that): nominations open. Umeå, Nordmaling and Vännäs are nominated;
  Umeå's contact has answered, written and uploaded a PDF; the organiser has already put the
  default rubric in place (still editable, as no round has opened).
- `draft` (two years after that): created, its call not yet open.

People: the organiser (staff), a superuser ("staff"), the chair, a juror, and a juror who lives
in Orsa and so is conflicted out of the joint candidacy in both jury editions (all three granted
the permission to read candidacy material on the nominations desk); a nominator who
holds a fresh confirmation link (an update of her Umeå nomination) and a link to her personal
data; Umeå's contact, with a one-time sign-in link and a fresh one.

Only users themselves (organiser, superuser) are made with the ORM: every domain object comes
from the service a person's action calls. The matrix keeps the world in one transaction per
module, rolled back at the end (conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from kommunpris.accounts.testing import organiser_account
from kommunpris.archive.models import Winner
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import award as default_award
from kommunpris.awards.services import close_nominations, create_edition, open_nominations
from kommunpris.jury import selectors as jury_selectors
from kommunpris.jury import services as jury
from kommunpris.jury.models import Criterion, Membership, Role, TieKind
from kommunpris.mail import worker as mail_worker
from kommunpris.mail.bulk import BulkText, fingerprint, new_key, recipients, send_bulk
from kommunpris.mail.models import BulkMailing, OutgoingMail
from kommunpris.mail.services import compose, queue_mail
from kommunpris.mail.templates_service import save_template
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import (
    Attachment,
    Candidacy,
    MunicipalityContact,
    Nomination,
    Stage,
)
from kommunpris.nominations.self_assessment import DEFAULT_AREAS, DEFAULT_LEVELS
from kommunpris.register.models import Municipality

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORGANISER = "organisator@kvalitetsmassan.se"
PASSWORD = "rätt-häst-batteri-häftstift"

# The smallest file every PDF reader opens: header, one empty page, cross-reference, trailer.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# Words only the jury writes: no public answer may ever contain them.
SCORE_MARK = "Juryanteckning"
VISIT_MARK = "Platsbesöksanteckning"
MOTIVATION_MARK = "fjällkommunernas gemensamma digitala förvaltning"

# The joint candidacy (in both jury editions) and where the conflicted juror lives.
JOINT = ("2062", "2034", "2039")  # Mora, Orsa, Älvdalen
CONFLICT_HOME = "2034"  # Orsa
SUNDSVALL, KIRUNA, TIMRA, LJUSDAL = "2281", "2584", "2262", "2161"
UMEA, NORDMALING, VANNAS = "2480", "2401", "2460"

NOMINATOR = "nora.nilsson@example.se"
CONTACT = "digitalisering@umea.se"


@dataclass
class World:
    award: Award
    decided: Edition
    jury: Edition
    call: Edition
    organiser: User
    staff: User
    chair: User
    juror: User
    conflicted: User
    invitee: User
    # the jury edition's candidacies
    joint: Candidacy
    sundsvall: Candidacy
    kiruna: Candidacy
    timra: Candidacy
    ljusdal: Candidacy
    joint_pdf: Attachment
    sundsvall_pdf: Attachment
    criterion: Criterion
    spam: Nomination  # a confirmed nomination in the jury edition, for the organiser to reject
    # the decided edition
    decided_joint: Candidacy
    winner: Winner
    # the open call, and the next edition in draft
    draft: Edition
    umea: Candidacy
    nordmaling: Candidacy
    vannas: Candidacy
    call_criterion: Criterion  # the open call's rubric is still editable
    umea_pdf: Attachment
    contact: MunicipalityContact
    contact_signin_token: str  # spent once the contact signs in
    contact_fresh_token: str  # a second link, never used
    nominator_confirm_token: str  # confirms an update of her Umeå nomination
    nominator_data_token: str
    invitation_token: str  # the invitee's, unused
    given_up_mail: OutgoingMail  # the mail worker gave up on it: the organiser may send it again
    spent_invitation_token: str  # the juror's own, spent when she set her password
    # The organiser's mail of the open call: its own text of one message, and one mailing.
    mailing: BulkMailing | None = None
    pdf: bytes = MINIMAL_PDF
    password: str = PASSWORD
    # Words only the jury writes, and what they are: no public answer may contain them.
    secrets: tuple[tuple[str, str], ...] = (
        (SCORE_MARK, "a juror's score comment"),
        (VISIT_MARK, "a site-visit note"),
        (MOTIVATION_MARK, "the embargoed winner's motivation"),
    )

    @property
    def conflicted_names(self) -> list[str]:
        return [m.name for m in self.joint.municipalities]


def _token_in_mail(to: str, template: str, marker: str) -> str:
    """The token of the newest link containing `marker` mailed to `to`, as a person clicks it:
    the world is built in one transaction, so its mail waits, and is read as it will be sent."""
    mail = OutgoingMail.objects.filter(to=to, template=template).latest("id")
    match = re.search(re.escape(marker) + r"([^/\s]+)/", compose(mail).body)
    assert match, f"no {marker} link in {template} to {to}"
    return match.group(1)


def _municipality(code: str) -> Municipality:
    return Municipality.objects.get(code=code)


def _first_odd_year_after(year: int) -> int:
    return year + 1 if year % 2 == 0 else year + 2


def _gala(year: int) -> datetime:
    return datetime(year, 11, 10, 18, 0, tzinfo=STOCKHOLM)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


class _Call:
    """One edition's call for nominations, as the people in it take part."""

    def __init__(self, the_award: Award, year: int) -> None:
        now = timezone.now()
        edition = create_edition(
            award=the_award,
            year=year,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=_gala(year),
            actor=organiser_account(ORGANISER),
        )
        self.edition = open_nominations(edition=edition, actor=organiser_account(ORGANISER))
        self.year = year

    def nominate(
        self, code: str, *, name: str, email: str, organisation: str = "", confirm: bool = True
    ) -> Nomination:
        municipality = _municipality(code)
        submitted = nominations.submit_nomination(
            edition=self.edition,
            municipality=municipality,
            answers={
                "proud": f"E-tjänsterna i {municipality.name} som invånarna faktiskt använder.",
                "effect": "Handläggningstiden halverades och fler ärenden klaras digitalt.",
                "learned": "Att börja med invånarnas behov och mäta effekten från dag ett.",
            },
            nominator_name=name,
            nominator_email=email,
            nominator_organisation=organisation,
        )
        if confirm:
            token = _token_in_mail(email, "nominations/confirm", "/nominera/bekrafta/")
            nominations.confirm_nomination(token=token)
        return Nomination.objects.get(pk=submitted.nomination.pk)

    def candidacy(self, code: str) -> Candidacy:
        found = Candidacy.objects.filter(edition=self.edition, members__municipality_id=code)
        return found.prefetch_related("members__municipality").get()

    def contact_sends(self, code: str, email: str, *, pdf: str = "") -> Attachment | None:
        """The organiser names the contact; the contact accepts, writes and uploads."""
        registered = nominations.register_contact(
            edition=self.edition,
            municipality=_municipality(code),
            email=email,
            name=f"Digitaliseringschefen i {_municipality(code).name}",
            actor=CLI,
        )
        contact = MunicipalityContact.objects.select_related("edition__award").get(pk=registered.pk)
        candidacy = self.candidacy(code)
        nominations.respond_to_candidacy(candidacy=candidacy, actor=contact, accept=True)
        nominations.save_contribution(
            candidacy=self.candidacy(code),
            actor=contact,
            answers={
                "proud": f"Vår egen berättelse om {candidacy.name}.",
                "effect": "Invånarna väntar kortare och får svar dygnet runt.",
                "learned": "Att samarbete över gränserna ger mer än det kostar.",
            },
        )
        if not pdf:
            return None
        return nominations.add_attachment(
            candidacy=self.candidacy(code), actor=contact, upload=_pdf(pdf)
        )


# The invitation links people followed, by address (the newest invitation's).
_FOLLOWED_INVITATIONS: dict[str, str] = {}


def _seat(edition: Edition, email: str, name: str, role: str = Role.JUROR) -> User:
    """Invite a person and let them follow the link and set their password."""
    seat = jury.invite_member(edition=edition, email=email, role=role, name=name, actor=CLI)
    _FOLLOWED_INVITATIONS[email] = _token_in_mail(
        email, "jury/invitation", "/arbetsyta/jury/inbjudan/"
    )
    jury.accept_invitation(actor=seat.user, password=PASSWORD)
    return User.objects.get(pk=seat.user_id)


def _score_round(
    edition: Edition, stage: str, people: list[User], chair: User, *, close: bool = True
) -> None:
    scoring_round = jury.open_round(edition=edition, stage=stage, actor=chair)
    criteria = list(Criterion.objects.filter(edition=edition))
    for number, person in enumerate(people):
        for candidacy in jury_selectors.candidacies_for(edition, person, stage=stage):
            value = (len(candidacy.name) + number) % 3 + 2
            if candidacy.is_joint:
                value = 4
            jury.save_score_sheet(
                scoring_round=scoring_round,
                candidacy=candidacy,
                actor=person,
                entries={
                    c.pk: jury.EntryInput(value, f"{SCORE_MARK}: {c.name} hos {candidacy.name}.")
                    for c in criteria
                },
                comment=f"{SCORE_MARK} om {candidacy.name}: tydligt och genomtänkt.",
                submit=True,
            )
    if close:
        jury.close_round(scoring_round=scoring_round, actor=chair)


def _jury_edition(call: _Call, people: dict[str, User], *, decide: bool) -> Candidacy:
    """Close the call and run the jury through the funnel to deliberation (and the decision)."""
    edition = close_nominations(edition=call.edition, actor=organiser_account(ORGANISER))
    chair, juror, conflicted = people["chair"], people["juror"], people["conflicted"]
    seats = {m.user_id: m for m in Membership.objects.filter(edition=edition)}
    jury.declare_tie(
        seat=seats[conflicted.pk],
        kind=TieKind.HOME,
        municipality_code=CONFLICT_HOME,
        note="Bor i Orsa sedan många år.",
        actor=conflicted,
    )
    assert edition.supplement_close_at is not None
    jury.start_jury_review(
        edition=edition, actor=CLI, now=edition.supplement_close_at + timedelta(minutes=1)
    )
    everyone = [chair, juror, conflicted]
    finalists = (JOINT[0], SUNDSVALL, KIRUNA)
    _score_round(edition, Stage.CANDIDACY, everyone, chair)
    for code in (*finalists, TIMRA):
        jury.move_candidacy(candidacy=call.candidacy(code), stage=Stage.NOMINEE, actor=chair)
    _score_round(edition, Stage.NOMINEE, everyone, chair)
    for code in finalists:
        jury.move_candidacy(candidacy=call.candidacy(code), stage=Stage.FINALIST, actor=chair)
    visit_day = timezone.localdate() + timedelta(days=7)
    jury.add_site_visit_note(
        candidacy=call.candidacy(JOINT[0]),
        actor=chair,
        body=f"{VISIT_MARK}: vi träffade de tre kommundirektörerna i Mora.",
        visited_on=visit_day,
    )
    jury.add_site_visit_note(
        candidacy=call.candidacy(SUNDSVALL),
        actor=conflicted,
        body=f"{VISIT_MARK}: kontaktcenter vittnar om färre ärenden.",
        visited_on=visit_day,
    )
    _score_round(edition, Stage.FINALIST, everyone, chair, close=decide)
    jury.start_deliberation(edition=edition, actor=chair)
    for person in everyone:
        visible = [
            c
            for c in jury_selectors.finalists(edition)
            if jury_selectors.visible_candidacy(edition, person, c.pk)
        ]
        ranked = sorted(visible, key=lambda c: (not c.is_joint, c.name))
        jury.cast_ballot(
            edition=edition, actor=person, ranks={c.pk: i for i, c in enumerate(ranked, 1)}
        )
    joint = call.candidacy(JOINT[0])
    if decide:
        jury.record_decision(
            edition=edition,
            candidacy=joint,
            display_name=jury.suggested_display_name(joint),
            motivation=(
                f"{joint.name} visar med {MOTIVATION_MARK} att små kommuner tillsammans når "
                "resultat på riktigt."
            ),
            motivation_en="Three small municipalities show what sharing can do.",
            publish_at=_gala(edition.year),
            actor=chair,
        )
    return joint


def build_world() -> World:
    the_award = default_award()
    now = timezone.now()
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
    )
    staff = User.objects.create_superuser(
        username="drift@kommunpris.se", email="drift@kommunpris.se", password=PASSWORD
    )
    first = _first_odd_year_after(timezone.localtime(now).year)

    def call_with_field(year: int) -> _Call:
        call = _Call(the_award, year)
        call.nominate(JOINT[0], name="Maria Holm", email="maria.holm@example.se")
        call.nominate(
            JOINT[1], name="Lars Berg", email="lars.berg@example.se", organisation="Företagarna"
        )
        call.nominate(JOINT[2], name="Fatima Ali", email="fatima.ali@example.se")
        nominations.join_candidacies(
            candidacies=[call.candidacy(code) for code in JOINT], actor=CLI
        )
        for code in (SUNDSVALL, KIRUNA, TIMRA, LJUSDAL):
            call.nominate(code, name="Erik Strand", email="erik.strand@example.se")
        call.nominate(
            SUNDSVALL, name="Anna Wik", email="anna.wik@example.se", organisation="Vision"
        )
        return call

    def people_for(edition: Edition) -> dict[str, User]:
        return {
            "chair": _seat(edition, "karin.lindqvist@example.se", "Karin Lindqvist", Role.CHAIR),
            "juror": _seat(edition, "ahmed.haddad@example.se", "Ahmed Haddad"),
            "conflicted": _seat(edition, "elin.bjork@example.se", "Elin Björk"),
        }

    # The decided edition, embargoed until its gala.
    decided_call = call_with_field(first)
    decided_call.contact_sends(JOINT[0], "digitalisering@mora.se", pdf="Fjällsamverkan.pdf")
    people = people_for(decided_call.edition)
    decided_joint = _jury_edition(decided_call, people, decide=True)

    # The edition in deliberation.
    jury_call = call_with_field(first + 2)
    spam = jury_call.nominate(TIMRA, name="Reklam Robot", email="robot@spam.example")
    joint_pdf = jury_call.contact_sends(
        JOINT[0], "digitalisering@mora.se", pdf="Samverkan i Dalarna.pdf"
    )
    sundsvall_pdf = jury_call.contact_sends(
        SUNDSVALL, "digitalisering@sundsvall.se", pdf="Sundsvall.pdf"
    )
    jury_people = people_for(jury_call.edition)
    # The organiser lets the jury read the municipalities' material on the nominations desk too,
    # with the permission kommunpris.permissions.nominations names for it.
    reading = Permission.objects.get(
        content_type__app_label="nominations", codename="view_attachment"
    )
    for person in jury_people.values():
        person.user_permissions.add(reading)
    spent_invitation = _FOLLOWED_INVITATIONS["ahmed.haddad@example.se"]
    joint = _jury_edition(jury_call, jury_people, decide=False)
    # The jury asks its nominees for a self-assessment; two of the finalists have filled it in.
    nominations.set_self_assessment(
        edition=jury_call.edition,
        areas=[nominations.AreaText(**area) for area in DEFAULT_AREAS],
        levels=[nominations.LevelText(sv, en) for sv, en in DEFAULT_LEVELS],
        closes_at=now + timedelta(days=30),
        actor=CLI,
    )
    for code, address in (
        (SUNDSVALL, "digitalisering@sundsvall.se"),
        (JOINT[0], "digitalisering@mora.se"),
    ):
        finalist = jury_call.candidacy(code)
        nominations.save_self_assessment(
            candidacy=finalist,
            levels={area["key"]: 3 for area in DEFAULT_AREAS},
            comments={"collaboration": f"{finalist.name} delar allt med grannarna."},
            actor=MunicipalityContact.objects.select_related("edition").get(
                edition=jury_call.edition, email=address
            ),
        )
    invitee_seat = jury.invite_member(
        edition=jury_call.edition,
        email="sara.nilsson@example.se",
        role=Role.JUROR,
        name="Sara Nilsson",
        actor=CLI,
    )
    invitation = _token_in_mail(
        "sara.nilsson@example.se", "jury/invitation", "/arbetsyta/jury/inbjudan/"
    )

    # The open call.
    call = _Call(the_award, first + 4)
    call.nominate(UMEA, name="Nora Nilsson", email=NOMINATOR, organisation="Umeå företagare")
    call.nominate(UMEA, name="Omar Said", email="omar.said@example.se")
    call.nominate(NORDMALING, name="Omar Said", email="omar.said@example.se")
    call.nominate(VANNAS, name="Omar Said", email="omar.said@example.se")
    umea_pdf = call.contact_sends(UMEA, CONTACT, pdf="Umeå digitalt först.pdf")
    jury.seed_default_rubric(edition=call.edition, actor=CLI)
    signin_token = _token_in_mail(
        CONTACT, "nominations/candidacy_notice", "/arbetsyta/nomineringar/kommun/lank/"
    )
    nominations.request_contact_link(email=CONTACT)
    fresh_token = _token_in_mail(
        CONTACT, "nominations/contact_link", "/arbetsyta/nomineringar/kommun/lank/"
    )
    # Nora writes again: her update waits for her to follow the new link.
    call.nominate(
        UMEA, name="Nora Nilsson", email=NOMINATOR, organisation="Umeå företagare", confirm=False
    )
    confirm_token = _token_in_mail(NOMINATOR, "nominations/confirm", "/nominera/bekrafta/")
    nominations.request_personal_data_link(email=NOMINATOR)
    data_token = _token_in_mail(
        NOMINATOR, "nominations/personal_data_link", "/personuppgifter/mina/"
    )

    now = timezone.now()
    draft = create_edition(
        award=the_award,
        year=first + 6,
        nominations_close_at=now + timedelta(days=60),
        supplement_close_at=now + timedelta(days=75),
        ceremony_at=_gala(first + 6),
        actor=organiser_account(ORGANISER),
    )

    # A message the mail server refused every time (nothing listens on the discard port).
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,
        EMAIL_TIMEOUT=2,
        KOMMUNPRIS_MAIL_DELIVERY="worker",
        KOMMUNPRIS_MAIL_MAX_ATTEMPTS=1,
    ):
        undeliverable = queue_mail(
            to="ahmed.haddad@example.se",
            template="jury/decided",
            context={"edition_title": "Sveriges DigitaliseringsKommun", "publish_at": now},
        )
        mail_worker.send_one(undeliverable.pk)

    # The organiser's own text of one message of the open call, and a mailing to its contacts.
    save_template(
        edition=call.edition,
        key="jury/decided",
        language="sv",
        subject="Juryn har beslutat om {{ edition_title }}",
        body='Hej!\n\nJuryn har beslutat. Vinnaren är hemlig till {{ publish_at|date:"j F Y" }}.\n',
        actor=organiser,
    )
    contacts = recipients(call.edition, "contacts")
    mailing = send_bulk(
        edition=call.edition,
        segment="contacts",
        text=BulkText(subject_sv="Välkomna", body_sv="Hej {{ name }}!\n\n{{ link }}\n"),
        expected=fingerprint(contacts),
        key=new_key(),
        actor=organiser,
    )

    # Django's own groups are unused by kommunpris; one exists so the admin's pages have a row.
    Group.objects.create(name="Redaktörer")

    the_jury = Edition.objects.select_related("award").get(pk=jury_call.edition.pk)
    return World(
        award=the_award,
        decided=Edition.objects.select_related("award").get(pk=decided_call.edition.pk),
        jury=the_jury,
        call=Edition.objects.select_related("award").get(pk=call.edition.pk),
        organiser=organiser,
        staff=staff,
        chair=jury_people["chair"],
        juror=jury_people["juror"],
        conflicted=jury_people["conflicted"],
        invitee=User.objects.get(pk=invitee_seat.user_id),
        joint=joint,
        sundsvall=jury_call.candidacy(SUNDSVALL),
        kiruna=jury_call.candidacy(KIRUNA),
        timra=jury_call.candidacy(TIMRA),
        ljusdal=jury_call.candidacy(LJUSDAL),
        joint_pdf=joint_pdf,  # type: ignore[arg-type]
        sundsvall_pdf=sundsvall_pdf,  # type: ignore[arg-type]
        criterion=Criterion.objects.filter(edition=the_jury).first(),  # type: ignore[arg-type]
        spam=spam,
        decided_joint=decided_joint,
        winner=Winner.objects.get(edition=decided_call.edition),
        draft=draft,
        umea=call.candidacy(UMEA),
        nordmaling=call.candidacy(NORDMALING),
        vannas=call.candidacy(VANNAS),
        call_criterion=Criterion.objects.filter(edition=call.edition).first(),  # type: ignore[arg-type]
        umea_pdf=umea_pdf,  # type: ignore[arg-type]
        contact=MunicipalityContact.objects.get(edition=call.edition, municipality_id=UMEA),
        contact_signin_token=signin_token,
        contact_fresh_token=fresh_token,
        nominator_confirm_token=confirm_token,
        nominator_data_token=data_token,
        invitation_token=invitation,
        spent_invitation_token=spent_invitation,
        given_up_mail=OutgoingMail.objects.get(pk=undeliverable.pk),
        mailing=mailing,
    )
