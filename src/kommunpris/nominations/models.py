"""Nominations, the candidacies they merge into, and what a municipality adds to its candidacy."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Edition
from kommunpris.register.models import Municipality

# Length limits of the free-text answers: a nominator writes a few paragraphs, a municipality more
# (each question of a call has its own limit for nominators; the municipality may write twice it).
NOMINATION_ANSWER_MAX_LENGTH = 3000
CONTRIBUTION_ANSWER_MAX_LENGTH = 6000
CONTRIBUTION_LENGTH_FACTOR = 2
# The messages sent to nominators (not to municipality contacts): part of what is kept about them.
# The reminder to confirm is kommunpris.reminders' (its name starts "nominations/", so the mail
# log's retention applies to it like to the others).
NOMINATOR_MAIL_TEMPLATES = (
    "nominations/confirm",
    "nominations/personal_data_link",
    "nominations/confirmation_reminder",
)


class Stage(models.TextChoices):
    """How far a candidacy came in the funnel; the winner is recorded by the decision."""

    CANDIDACY = "candidacy", _("Candidacy")
    NOMINEE = "nominee", _("Nominee")
    FINALIST = "finalist", _("Finalist")

    @classmethod
    def rank(cls, stage: str) -> int:
        return [cls.CANDIDACY, cls.NOMINEE, cls.FINALIST].index(cls(stage))


class Response(models.TextChoices):
    """The municipality's answer to being a candidate."""

    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Candidacy(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="candidacies")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.CANDIDACY)
    source_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The municipality's own answers to the call's questions (its contribution): the key of
    # each question of the edition (NominationQuestion.key) -> the text; empty ones left out.
    own_answers = models.JSONField(default=dict, blank=True)
    contribution_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "id"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk}"

    @property
    def is_joint(self) -> bool:
        return len(self.members.all()) > 1

    @property
    def municipalities(self) -> list[Municipality]:
        """Members in their stated order (prefetch `members__municipality`)."""
        return [m.municipality for m in sorted(self.members.all(), key=lambda m: m.position)]

    @property
    def name(self) -> str:
        """'Värmdö' or 'Mora, Orsa och Älvdalen' for a joint candidacy."""
        names = [m.name for m in self.municipalities]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " " + str(_("and")) + " " + names[-1]

    @property
    def has_contribution(self) -> bool:
        return any(self.own_answers.values())


class CandidacyMember(models.Model):
    """One municipality of a candidacy; a municipality stands in one candidacy per edition."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="members")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="candidacy_memberships"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["candidacy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "municipality"],
                name="one_candidacy_per_municipality_and_edition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} in {self.candidacy}"


class NominationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected as spam")


class Nomination(models.Model):
    """One person's nomination of one municipality for one edition (double opt-in).

    A new nomination waits for its e-mailed link. A later submission for the same address,
    municipality and edition is a NominationRevision: anyone can type any address, so the text
    here changes only when the address's owner follows the link mailed with the new text.
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="nominations")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="nominations"
    )
    candidacy = models.ForeignKey(
        Candidacy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.PENDING
    )
    # The answers to the edition's questions: NominationQuestion.key -> the text as written.
    answers = models.JSONField(default=dict, blank=True)
    nominator_name = models.CharField(max_length=200)
    nominator_email = models.EmailField(help_text="Stored in lower case.")
    nominator_organisation = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=5, default="sv")
    consented_at = models.DateTimeField()
    # SHA-256 of the secret in the link mailed with the first text; empty once used or voided.
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.CharField(max_length=200, blank=True)
    rejected_reason = models.TextField(blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "municipality", "nominator_email"],
                condition=~models.Q(nominator_email=""),
                name="one_nomination_per_address_municipality_and_edition",
            )
        ]
        indexes = [models.Index(fields=["edition", "status"], name="nomination_edition_status")]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.edition}) #{self.pk}"

    @property
    def counts(self) -> bool:
        return self.status == NominationStatus.CONFIRMED


class NominationRevision(models.Model):
    """A newer text sent for a nomination from the same address, waiting for the link mailed
    with it. Following that link applies it; links sent with older texts then stop working.
    Someone else's revision never touches the nomination, nor the owner's own links."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="revisions")
    answers = models.JSONField(default=dict, blank=True)
    nominator_name = models.CharField(max_length=200)
    nominator_organisation = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=5, default="sv")
    # SHA-256 of the secret in its confirmation link.
    token_hash = models.CharField(max_length=64, unique=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["nomination", "id"]

    def __str__(self) -> str:
        return f"revision of {self.nomination} sent {self.submitted_at:%Y-%m-%d %H:%M}"


class MunicipalityContact(models.Model):
    """The address the organiser registered for a municipality in an edition."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="nomination_contacts"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When this address was told that the municipality is a candidate.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "municipality__sort_key"]
        verbose_name = _("municipality contact")
        verbose_name_plural = _("municipality contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "municipality"], name="one_contact_per_municipality_and_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ({self.edition}): {self.email}"


class ContactLink(models.Model):
    """A one-time sign-in link sent to a municipality contact; only its hash is kept."""

    contact = models.ForeignKey(MunicipalityContact, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"link for {self.contact} (expires {self.expires_at:%Y-%m-%d %H:%M})"


class Attachment(models.Model):
    """A PDF the municipality added to its candidacy; kept outside the web root."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=200, help_text="Path under MEDIA_ROOT.")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["candidacy", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class NominationQuestion(models.Model):
    """One question of an edition's call, in Swedish and English. Nominators answer it (within
    `max_length`, and must when it is `required`); the municipality answers the same questions
    in its own words. The organiser sets them before the call opens; from the first nomination
    on (`frozen_at`) they never change, so every answer keeps the question it was given to."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="call_questions")
    position = models.PositiveSmallIntegerField()
    # The name the answers are stored under (Nomination.answers); never reused in an edition.
    key = models.SlugField(max_length=20)
    text_sv = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300, blank=True)
    hint_sv = models.CharField(max_length=500, blank=True)
    hint_en = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=True)
    max_length = models.PositiveIntegerField(default=NOMINATION_ANSWER_MAX_LENGTH)
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["edition", "position"]
        verbose_name = _("nomination question")
        verbose_name_plural = _("nomination questions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="one_question_per_key"),
            models.UniqueConstraint(
                fields=["edition", "position"], name="one_question_per_position"
            ),
            models.CheckConstraint(
                condition=models.Q(max_length__gte=1), name="question_max_length_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} {self.position}: {self.text_sv}"

    @property
    def text(self) -> str:
        """The question in the reader's language (Swedish where no English is given)."""
        return _in_language(self.text_sv, self.text_en)

    @property
    def hint(self) -> str:
        return _in_language(self.hint_sv, self.hint_en)

    @property
    def contribution_max_length(self) -> int:
        return self.max_length * CONTRIBUTION_LENGTH_FACTOR


def _in_language(swedish: str, english: str) -> str:
    if english and (translation.get_language() or "sv").startswith("en"):
        return english
    return swedish


class SelfAssessmentRubric(models.Model):
    """An edition's maturity self-assessment, the optional step for nominees: areas, each
    placed on one scale of levels (`levels`), with a short motivation. One per edition that
    uses it; frozen from the first self-assessment saved (`frozen_at`)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="self_assessment_rubric"
    )
    introduction_sv = models.TextField(blank=True)
    introduction_en = models.TextField(blank=True)
    # Nominees fill it in until then.
    closes_at = models.DateTimeField()
    frozen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("self-assessment rubric")
        verbose_name_plural = _("self-assessment rubrics")

    def __str__(self) -> str:
        return f"self-assessment of {self.edition}"

    @property
    def introduction(self) -> str:
        return _in_language(self.introduction_sv, self.introduction_en)


class SelfAssessmentArea(models.Model):
    """One area of a self-assessment rubric, e.g. "Leadership and governance"."""

    rubric = models.ForeignKey(SelfAssessmentRubric, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=20)
    name_sv = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    description_sv = models.CharField(max_length=500, blank=True)
    description_en = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["rubric", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="one_area_per_key"),
            models.UniqueConstraint(fields=["rubric", "position"], name="one_area_per_position"),
        ]

    def __str__(self) -> str:
        return self.name_sv

    @property
    def name(self) -> str:
        return _in_language(self.name_sv, self.name_en)

    @property
    def description(self) -> str:
        return _in_language(self.description_sv, self.description_en)


class SelfAssessmentLevel(models.Model):
    """One step of a rubric's scale: its number (1, 2, …) and what it means."""

    rubric = models.ForeignKey(
        SelfAssessmentRubric, on_delete=models.CASCADE, related_name="levels"
    )
    value = models.PositiveSmallIntegerField()
    label_sv = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["rubric", "value"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "value"], name="one_level_per_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label_sv}"

    @property
    def label(self) -> str:
        return _in_language(self.label_sv, self.label_en)


class SelfAssessment(models.Model):
    """A nominee's self-assessment, as its municipality's contact last saved it: the key of
    each area (SelfAssessmentArea.key) -> {"level": n, "comment": text}."""

    candidacy = models.OneToOneField(
        Candidacy, on_delete=models.CASCADE, related_name="self_assessment"
    )
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self) -> str:
        return f"self-assessment of {self.candidacy}"
