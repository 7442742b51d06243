"""The jury's records: members, ties, the rubric, score sheets, site visits, ballots, decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Edition
from kommunpris.nominations.models import Candidacy, Stage
from kommunpris.register.models import County, Municipality

SCALE = range(0, 5)  # every criterion is scored 0–4


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    JUROR = "juror", _("Juror")


class Membership(models.Model):
    """A person's seat on one edition's jury; the invitation is the membership."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="jury_memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.JUROR)
    invited_at = models.DateTimeField()
    invited_by = models.CharField(max_length=200)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The member's language for the jury's e-mail to them: the invitation's, then their own
    # choice on the desk.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="sv"
    )

    class Meta:
        ordering = ["edition_id", "role", "user__email"]
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user"], name="one_seat_per_edition_and_person"
            ),
            models.UniqueConstraint(
                fields=["edition"], condition=models.Q(role="chair"), name="one_chair_per_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}, {self.edition})"

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR


class TieKind(models.TextChoices):
    HOME = "home", _("Lives in the municipality")
    EMPLOYER = "employer", _("Works for the municipality")
    ELECTED_OFFICE = "elected_office", _("Holds elected office in the municipality")
    MUNICIPALITY = "municipality", _("Other tie to the municipality")
    COUNTY = "county", _("Tie to the county")
    ORGANISATION = "organisation", _("Tie to an organisation")
    CANDIDACY = "candidacy", _("Tie to a candidacy")


MUNICIPALITY_TIES = (TieKind.HOME, TieKind.EMPLOYER, TieKind.ELECTED_OFFICE, TieKind.MUNICIPALITY)


class Tie(models.Model):
    """Something a jury member is tied to; the conflict rule in permissions.jury reads these.

    Once the first scoring round has opened, ties are only ever added: a tie declared in error
    stays on the record, so a juror cannot step back into a candidacy they once stood aside
    from. Before that, when no score has been given or seen, the member may withdraw one
    (services.withdraw_tie); the audit log keeps it.
    """

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="ties")
    kind = models.CharField(max_length=20, choices=TieKind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    county_wide = models.BooleanField(
        default=False, help_text="The tie covers every municipality of the county."
    )
    organisation = models.CharField(max_length=200, blank=True)
    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, help_text="What the tie is, in the member's words.")
    declared_by = models.CharField(max_length=200)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["declared_at", "id"]
        verbose_name = _("declared tie")
        verbose_name_plural = _("declared ties")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind__in=[k.value for k in MUNICIPALITY_TIES],
                        municipality__isnull=False,
                        county__isnull=True,
                        candidacy__isnull=True,
                        organisation="",
                    )
                    | models.Q(
                        kind="county",
                        county__isnull=False,
                        municipality__isnull=True,
                        candidacy__isnull=True,
                        organisation="",
                    )
                    | (
                        models.Q(
                            kind="organisation",
                            municipality__isnull=True,
                            county__isnull=True,
                            candidacy__isnull=True,
                        )
                        & ~models.Q(organisation="")
                    )
                    | models.Q(
                        kind="candidacy",
                        candidacy__isnull=False,
                        municipality__isnull=True,
                        county__isnull=True,
                        organisation="",
                    )
                ),
                name="tie_names_what_it_ties_to",
            ),
            models.CheckConstraint(
                condition=models.Q(county_wide=False) | models.Q(kind="county"),
                name="only_county_ties_are_county_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def subject(self) -> str:
        """What the tie is to, as a person reads it."""
        if self.municipality_id:
            return f"{self.municipality} ({self.municipality_id})"
        if self.county_id:
            return f"{self.county} ({self.county_id})"
        if self.candidacy_id:
            return self.candidacy.name if self.candidacy else ""
        return self.organisation


class Criterion(models.Model):
    """One criterion of an edition's rubric; weight 0 makes it informational."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=4, decimal_places=1, default=1)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name"], name="criterion_name_unique_in_edition"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="criterion_weight_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_informational(self) -> bool:
        return self.weight == 0


class CriterionLevel(models.Model):
    """What a score of `value` (0–4) means on one criterion."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    value = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=500)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "value"], name="one_description_per_level"
            ),
            models.CheckConstraint(condition=models.Q(value__lte=4), name="level_on_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.description}"


class ScoringRound(models.Model):
    """The jury scoring every candidacy that has reached `stage` (at most one round per stage)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="scoring_rounds")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    opened_at = models.DateTimeField()
    opened_by = models.CharField(max_length=200)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at"]
        verbose_name = _("scoring round")
        verbose_name_plural = _("scoring rounds")
        constraints = [
            models.UniqueConstraint(fields=["edition", "stage"], name="one_round_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.stage}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ScoreSheet(models.Model):
    """One juror's scores for one candidacy in one round: a draft until submitted."""

    round = models.ForeignKey(ScoringRound, on_delete=models.PROTECT, related_name="sheets")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="score_sheets")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(
        null=True, blank=True, help_text="Last change made after the sheet was submitted."
    )
    version = models.PositiveIntegerField(
        default=0,
        help_text="Counts the saved changes; a form opened at an older version is refused.",
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "candidacy", "juror"], name="one_sheet_per_juror_and_candidacy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror} on {self.candidacy} ({self.round})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ScoreEntry(models.Model):
    """A score (0–4, empty in a draft) and comment on one criterion."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_entry_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__lte=4),
                name="score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class SiteVisitNote(models.Model):
    """What a juror saw on a finalist's site visit, shared with the jury."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="site_visit_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(null=True, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("site-visit note")
        verbose_name_plural = _("site-visit notes")

    def __str__(self) -> str:
        return f"{self.author} on {self.candidacy}"


class Ballot(models.Model):
    """One juror's ranking of the finalists in the final ballot."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="ballots")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballots"
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["edition", "juror"], name="one_ballot_per_juror"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} ({self.edition})"


class BallotRank(models.Model):
    """The place (1 = best; equal places allowed) a ballot gives one finalist."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="ranks")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank", "candidacy_id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidacy"], name="one_rank_per_finalist"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="rank_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}: {self.candidacy_id}"


class TieBreak(models.Model):
    """The chair's order for finalists the ballot left tied (candidacy ids, best first)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="ballot_tie_break"
    )
    order = models.JSONField(default=list)
    note = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.edition}: {self.order}"


class Decision(models.Model):
    """The jury's decision as the chair recorded it; the public side of it is archive.Winner."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="jury_decision")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="+")
    decided_by = models.CharField(max_length=200)
    decided_at = models.DateTimeField()
    ballot_order = models.JSONField(
        default=list, help_text="The ballot's order at the decision: tiers of candidacy ids."
    )
    departure_reason = models.TextField(
        blank=True, help_text="Why the jury chose another finalist than the ballot's first."
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.edition}: {self.candidacy_id}"
