"""A winner can be several municipalities (a joint candidacy): each member is a row of
WinnerMunicipality, in stated order. Every existing winner keeps its one municipality as its
first (and only) member; going back keeps the first member of each winner."""

import django.db.models.deletion
from django.db import migrations, models


def members_from_municipality(apps, schema_editor):
    Winner = apps.get_model("archive", "Winner")
    WinnerMunicipality = apps.get_model("archive", "WinnerMunicipality")
    WinnerMunicipality.objects.bulk_create(
        WinnerMunicipality(winner_id=pk, municipality_id=code, position=0)
        for pk, code in Winner.objects.values_list("pk", "municipality_id")
    )


def municipality_from_first_member(apps, schema_editor):
    Winner = apps.get_model("archive", "Winner")
    WinnerMunicipality = apps.get_model("archive", "WinnerMunicipality")
    for member in WinnerMunicipality.objects.order_by("winner_id", "position"):
        Winner.objects.filter(pk=member.winner_id, municipality__isnull=True).update(
            municipality_id=member.municipality_id
        )


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0001_initial"),
        ("register", "0002_names_in_swedish_order"),
    ]

    operations = [
        migrations.AlterField(
            model_name="winner",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="register.municipality",
            ),
        ),
        migrations.CreateModel(
            name="WinnerMunicipality",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("municipality", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="register.municipality")),
                ("winner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="members", to="archive.winner")),
            ],
            options={
                "verbose_name": "winning municipality",
                "verbose_name_plural": "winning municipalities",
                "ordering": ["winner", "position"],
                "constraints": [
                    models.UniqueConstraint(fields=("winner", "municipality"), name="one_municipality_once_per_winner"),
                    models.UniqueConstraint(fields=("winner", "position"), name="one_place_per_position"),
                ],
            },
        ),
        migrations.RunPython(members_from_municipality, municipality_from_first_member, elidable=False),
        migrations.RemoveField(model_name="winner", name="municipality"),
        migrations.AddField(
            model_name="winner",
            name="municipalities",
            field=models.ManyToManyField(related_name="wins", through="archive.WinnerMunicipality", to="register.municipality"),
        ),
        migrations.AlterField(
            model_name="winner",
            name="display_name",
            field=models.CharField(
                help_text="As the municipality calls itself: 'Sundsvalls kommun'; a joint win names every member: 'Mora kommun, Orsa kommun och Älvdalens kommun'.",
                max_length=200,
            ),
        ),
    ]
