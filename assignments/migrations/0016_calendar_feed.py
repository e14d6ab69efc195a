"""A person's private calendar feed, and the hour and length of a progress meeting (read
in settings.TIME_ZONE; a meeting without an hour stays a whole-day event)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import assignments.models.calendar


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0015_leads_from_meetings"),
        ("partners", "0008_user_language"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="progressmeeting",
            name="starts_at",
            field=models.TimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="progressmeeting",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(
                default=60,
                validators=[
                    django.core.validators.MinValueValidator(15),
                    django.core.validators.MaxValueValidator(600),
                ],
            ),
        ),
        migrations.CreateModel(
            name="CalendarFeed",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=assignments.models.calendar.new_token,
                        editable=False,
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("rotated_at", models.DateTimeField(blank=True, editable=False, null=True)),
                ("last_read_at", models.DateTimeField(blank=True, editable=False, null=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_feed",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar feed",
                "verbose_name_plural": "calendar feeds",
            },
        ),
    ]
