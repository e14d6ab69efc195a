from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assignments", "0009_meeting_cancelled")]

    operations = [
        migrations.AddIndex(
            model_name="progressmeeting",
            index=models.Index(
                models.F("assignment"),
                models.F("held_on").desc(),
                models.F("id").desc(),
                condition=models.Q(("status", "held")),
                name="meeting_held_latest",
            ),
        ),
    ]
