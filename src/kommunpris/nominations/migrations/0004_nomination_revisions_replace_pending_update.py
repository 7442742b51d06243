"""A newer text for a nomination becomes a row of its own (NominationRevision) with its own link,
instead of one `pending_update` that the next submission for the address overwrote."""

import django.db.models.deletion
from django.db import migrations, models


def pending_updates_to_revisions(apps, schema_editor):
    """Each waiting change keeps its text and the link that was mailed with it."""
    Nomination = apps.get_model("nominations", "Nomination")
    NominationRevision = apps.get_model("nominations", "NominationRevision")
    for nomination in Nomination.objects.filter(pending_update__isnull=False).iterator():
        update = nomination.pending_update or {}
        if nomination.token_hash:
            NominationRevision.objects.create(
                nomination=nomination,
                proud=update.get("proud", nomination.proud),
                effect=update.get("effect", nomination.effect),
                learned=update.get("learned", nomination.learned),
                nominator_name=update.get("nominator_name", nomination.nominator_name),
                nominator_organisation=update.get(
                    "nominator_organisation", nomination.nominator_organisation
                ),
                language=update.get("language", nomination.language),
                token_hash=nomination.token_hash,
                submitted_at=nomination.submitted_at,
            )
        Nomination.objects.filter(pk=nomination.pk).update(pending_update=None, token_hash="")


def revisions_to_pending_updates(apps, schema_editor):
    """Backwards: the newest waiting text of each nomination, with its link."""
    Nomination = apps.get_model("nominations", "Nomination")
    NominationRevision = apps.get_model("nominations", "NominationRevision")
    for revision in NominationRevision.objects.order_by("nomination_id", "-id").iterator():
        Nomination.objects.filter(pk=revision.nomination_id, pending_update__isnull=True).update(
            pending_update={
                "proud": revision.proud,
                "effect": revision.effect,
                "learned": revision.learned,
                "nominator_name": revision.nominator_name,
                "nominator_organisation": revision.nominator_organisation,
                "language": revision.language,
            },
            token_hash=revision.token_hash,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0003_contacts_in_swedish_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="NominationRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("proud", models.TextField()),
                ("effect", models.TextField()),
                ("learned", models.TextField()),
                ("nominator_name", models.CharField(max_length=200)),
                ("nominator_organisation", models.CharField(blank=True, max_length=200)),
                ("language", models.CharField(default="sv", max_length=5)),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                ("submitted_at", models.DateTimeField()),
                (
                    "nomination",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="nominations.nomination",
                    ),
                ),
            ],
            options={
                "ordering": ["nomination", "id"],
            },
        ),
        migrations.RunPython(pending_updates_to_revisions, revisions_to_pending_updates),
        migrations.RemoveField(
            model_name="nomination",
            name="pending_update",
        ),
    ]
