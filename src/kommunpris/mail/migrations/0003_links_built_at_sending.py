"""Links that let the reader in are built when a message is sent: the outbox keeps a marker and
what the link is built from (`links`), not the link.

Messages stored before this change hold their links in clear; the secret part of each such link
is removed from them here (a message still waiting is sent with a note in its place, and its
reader asks for a new link: the nomination form, the contact's sign-in page, the organiser's
"send again", the personal-data page). Migrations never import app code, so the link paths are
written out below.
"""

import re

from django.db import migrations, models

# The paths of every link that lets someone in, Swedish and English; the secret is the segment
# after them.
DOORS = re.compile(
    r"(/(?:en/)?(?:nominera/bekrafta|arbetsyta/nomineringar/kommun/lank|arbetsyta/jury/inbjudan"
    r"|personuppgifter/mina)/)(?!raderade/)[^/\s\"'<>]+"
)
REMOVED = "[borttagen länk – begär en ny / link removed – ask for a new one]"


def remove_stored_link_secrets(apps, schema_editor):
    OutgoingMail = apps.get_model("mail", "OutgoingMail")
    for mail in OutgoingMail.objects.iterator():
        text = DOORS.sub(lambda m: m.group(1) + REMOVED, mail.body_text)
        html = DOORS.sub(lambda m: m.group(1) + REMOVED, mail.body_html)
        if (text, html) != (mail.body_text, mail.body_html):
            OutgoingMail.objects.filter(pk=mail.pk).update(body_text=text, body_html=html)


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_worker_claims_and_back_off"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmail",
            name="links",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(remove_stored_link_secrets, migrations.RunPython.noop),
    ]
