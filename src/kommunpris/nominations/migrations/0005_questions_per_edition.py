"""The call's questions become the edition's own (NominationQuestion), and every answer is kept
under the key of the question it was given to, instead of in three fixed columns.

Every edition that exists gets the three questions the call has always asked, frozen from its
first nomination, so the answers already given keep their questions. The answers move in the
migration's one transaction: it moves all of them or none.

Backwards, answers go back into the three columns; an edition whose questions are other than
those three stops the migration (and it changes nothing), since its answers would not fit.
"""

import django.db.models.deletion
from django.db import migrations, models

# The three questions as they stood when the call had fixed questions (migrations do not import
# the application's code; kommunpris.nominations.questions has the same defaults).
QUESTIONS = [
    {
        "key": "proud",
        "text_sv": "Vad är kommunen mest stolt över?",
        "text_en": "What is the municipality most proud of?",
        "hint_sv": (
            "Den digitala förändring du tycker sticker ut: en tjänst, ett arbetssätt, ett beslut."
        ),
        "hint_en": (
            "The digital change you think stands out: a service, a way of working, a decision."
        ),
    },
    {
        "key": "effect",
        "text_sv": "Vilken effekt har det fått?",
        "text_en": "What effect has it had?",
        "hint_sv": "För invånare, medarbetare eller företag: vad blev bättre, och hur?",
        "hint_en": "For residents, staff or businesses: what became better, and how?",
    },
    {
        "key": "learned",
        "text_sv": "Vad har man lärt sig?",
        "text_en": "What has been learned?",
        "hint_sv": "Vad kommunen, eller andra, har lärt sig av det.",
        "hint_en": "What the municipality, or others, learned from it.",
    },
]
KEYS = [q["key"] for q in QUESTIONS]
ANSWER_LIMIT = 3000
BATCH = 500


def _answers(row, prefix=""):
    """The non-empty answers of a row's three columns, under their questions' keys."""
    found = {key: getattr(row, prefix + key) for key in KEYS}
    return {key: text for key, text in found.items() if text}


def _in_batches(queryset, fields, convert):
    """Each row converted and written back, read a batch at a time (one UPDATE per row: faster
    than bulk_update's CASE expressions on long texts, and the same on both databases)."""
    model = queryset.model
    for row in queryset.iterator(chunk_size=BATCH):
        convert(row)
        model.objects.filter(pk=row.pk).update(**{field: getattr(row, field) for field in fields})


def answers_under_their_questions(apps, schema_editor):
    Edition = apps.get_model("awards", "Edition")
    Nomination = apps.get_model("nominations", "Nomination")
    NominationRevision = apps.get_model("nominations", "NominationRevision")
    NominationQuestion = apps.get_model("nominations", "NominationQuestion")
    Candidacy = apps.get_model("nominations", "Candidacy")
    first_nomination = dict(
        Nomination.objects.order_by()
        .values_list("edition_id")
        .annotate(first=models.Min("submitted_at"))
        .values_list("edition_id", "first")
    )
    NominationQuestion.objects.bulk_create(
        NominationQuestion(
            edition_id=edition_id,
            position=position,
            required=True,
            max_length=ANSWER_LIMIT,
            frozen_at=first_nomination.get(edition_id),
            **question,
        )
        for edition_id in Edition.objects.order_by("pk").values_list("pk", flat=True)
        for position, question in enumerate(QUESTIONS, start=1)
    )

    def nomination(row):
        row.answers = _answers(row)

    def candidacy(row):
        row.own_answers = _answers(row, prefix="own_")

    _in_batches(Nomination.objects.order_by("pk"), ["answers"], nomination)
    _in_batches(NominationRevision.objects.order_by("pk"), ["answers"], nomination)
    _in_batches(Candidacy.objects.order_by("pk"), ["own_answers"], candidacy)


def answers_back_into_three_columns(apps, schema_editor):
    Edition = apps.get_model("awards", "Edition")
    Nomination = apps.get_model("nominations", "Nomination")
    NominationRevision = apps.get_model("nominations", "NominationRevision")
    NominationQuestion = apps.get_model("nominations", "NominationQuestion")
    Candidacy = apps.get_model("nominations", "Candidacy")
    for edition in Edition.objects.order_by("year", "pk"):
        keys = set(
            NominationQuestion.objects.filter(edition_id=edition.pk).values_list("key", flat=True)
        )
        if not keys <= set(KEYS):
            raise RuntimeError(
                f"The edition {edition.year} (award {edition.award_id}) asks questions that the "
                f"three columns of before cannot hold ({', '.join(sorted(keys - set(KEYS)))}): "
                "its answers cannot go back. Nothing was changed."
            )

        def nomination(row):
            for key in KEYS:
                setattr(row, key, row.answers.get(key, ""))

        def candidacy(row):
            for key in KEYS:
                setattr(row, "own_" + key, row.own_answers.get(key, ""))

        _in_batches(Nomination.objects.filter(edition_id=edition.pk).order_by("pk"), KEYS, nomination)
        _in_batches(
            NominationRevision.objects.filter(nomination__edition_id=edition.pk).order_by("pk"),
            KEYS,
            nomination,
        )
        _in_batches(
            Candidacy.objects.filter(edition_id=edition.pk).order_by("pk"),
            ["own_" + key for key in KEYS],
            candidacy,
        )


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("awards", "0001_initial"),
        ("nominations", "0004_nomination_revisions_replace_pending_update"),
    ]

    operations = [
        migrations.CreateModel(
            name="NominationQuestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("key", models.SlugField(max_length=20)),
                ("text_sv", models.CharField(max_length=300)),
                ("text_en", models.CharField(blank=True, max_length=300)),
                ("hint_sv", models.CharField(blank=True, max_length=500)),
                ("hint_en", models.CharField(blank=True, max_length=500)),
                ("required", models.BooleanField(default=True)),
                ("max_length", models.PositiveIntegerField(default=3000)),
                ("frozen_at", models.DateTimeField(blank=True, null=True)),
                (
                    "edition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="call_questions",
                        to="awards.edition",
                    ),
                ),
            ],
            options={
                "verbose_name": "nomination question",
                "verbose_name_plural": "nomination questions",
                "ordering": ["edition", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("edition", "key"), name="one_question_per_key"
                    ),
                    models.UniqueConstraint(
                        fields=("edition", "position"), name="one_question_per_position"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("max_length__gte", 1)),
                        name="question_max_length_positive",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="nomination",
            name="answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="nominationrevision",
            name="answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="candidacy",
            name="own_answers",
            field=models.JSONField(blank=True, default=dict),
        ),
        # With a default, so that going back can add the columns to rows that exist.
        *[
            migrations.AlterField(
                model_name=model,
                name=key,
                field=models.TextField(blank=True, default=""),
            )
            for model in ("nomination", "nominationrevision")
            for key in KEYS
        ],
        migrations.RunPython(answers_under_their_questions, answers_back_into_three_columns),
        *[
            migrations.RemoveField(model_name=model, name=key)
            for model in ("nomination", "nominationrevision")
            for key in KEYS
        ],
        *[migrations.RemoveField(model_name="candidacy", name="own_" + key) for key in KEYS],
    ]
