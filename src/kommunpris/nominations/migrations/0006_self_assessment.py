"""The optional step for nominees: an edition's maturity self-assessment rubric (areas on one
scale of levels) and each nominee's self-assessment."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
        ("nominations", "0005_questions_per_edition"),
    ]

    operations = [
        migrations.CreateModel(
            name="SelfAssessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answers", models.JSONField(default=dict)),
                ("submitted_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                ("updated_by", models.CharField(max_length=200)),
                (
                    "candidacy",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="self_assessment",
                        to="nominations.candidacy",
                    ),
                ),
            ],
            options={
                "verbose_name": "self-assessment",
                "verbose_name_plural": "self-assessments",
            },
        ),
        migrations.CreateModel(
            name="SelfAssessmentRubric",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("introduction_sv", models.TextField(blank=True)),
                ("introduction_en", models.TextField(blank=True)),
                ("closes_at", models.DateTimeField()),
                ("frozen_at", models.DateTimeField(blank=True, null=True)),
                (
                    "edition",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="self_assessment_rubric",
                        to="awards.edition",
                    ),
                ),
            ],
            options={
                "verbose_name": "self-assessment rubric",
                "verbose_name_plural": "self-assessment rubrics",
            },
        ),
        migrations.CreateModel(
            name="SelfAssessmentLevel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.PositiveSmallIntegerField()),
                ("label_sv", models.CharField(max_length=200)),
                ("label_en", models.CharField(blank=True, max_length=200)),
                (
                    "rubric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="levels",
                        to="nominations.selfassessmentrubric",
                    ),
                ),
            ],
            options={
                "ordering": ["rubric", "value"],
                "constraints": [
                    models.UniqueConstraint(fields=("rubric", "value"), name="one_level_per_value")
                ],
            },
        ),
        migrations.CreateModel(
            name="SelfAssessmentArea",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField()),
                ("key", models.SlugField(max_length=20)),
                ("name_sv", models.CharField(max_length=200)),
                ("name_en", models.CharField(blank=True, max_length=200)),
                ("description_sv", models.CharField(blank=True, max_length=500)),
                ("description_en", models.CharField(blank=True, max_length=500)),
                (
                    "rubric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="areas",
                        to="nominations.selfassessmentrubric",
                    ),
                ),
            ],
            options={
                "ordering": ["rubric", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("rubric", "key"), name="one_area_per_key"),
                    models.UniqueConstraint(
                        fields=("rubric", "position"), name="one_area_per_position"
                    ),
                ],
            },
        ),
    ]
