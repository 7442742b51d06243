"""Each jury member's language for the jury's e-mail to them.

A seat made before this takes the language its invitation was written in (the first invitation
mail to the member's address from when they were invited on), else Swedish.
"""

from django.db import migrations, models


def language_of_the_invitation(apps, schema_editor):
    membership = apps.get_model("jury", "Membership")
    outgoing_mail = apps.get_model("mail", "OutgoingMail")
    for seat in membership.objects.select_related("user").iterator():
        invitation = (
            outgoing_mail.objects.filter(
                template="jury/invitation",
                to__iexact=seat.user.email,
                created_at__gte=seat.invited_at,
            )
            .order_by("created_at", "id")
            .first()
        )
        if invitation is not None and invitation.language in ("sv", "en"):
            if invitation.language != seat.language:
                seat.language = invitation.language
                seat.save(update_fields=["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0002_score_sheet_version"),
        ("mail", "0003_links_built_at_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="language",
            field=models.CharField(
                choices=[("sv", "Swedish"), ("en", "English")],
                default="sv",
                max_length=5,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(language_of_the_invitation, migrations.RunPython.noop),
    ]
