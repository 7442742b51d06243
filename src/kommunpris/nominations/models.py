"""Nominations, the candidacies they merge into, and what a municipality adds to its candidacy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Edition
from kommunpris.register.models import Municipality

# Length limits of the free-text answers: a nominator writes a few paragraphs, a municipality more.
NOMINATION_ANSWER_MAX_LENGTH = 3000
CONTRIBUTION_ANSWER_MAX_LENGTH = 6000
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
    # The municipality's own answers to the three questions (its contribution).
    own_proud = models.TextField(blank=True)
    own_effect = models.TextField(blank=True)
    own_learned = models.TextField(blank=True)
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
        return bool(self.own_proud or self.own_effect or self.own_learned)


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
    proud = models.TextField(help_text="What the municipality is most proud of.")
    effect = models.TextField(help_text="What effect it has had.")
    learned = models.TextField(help_text="What has been learned.")
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
    proud = models.TextField()
    effect = models.TextField()
    learned = models.TextField()
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
