"""Each negotiation offer carries its own currency, the candidacy's when it was recorded
(existing offers take their candidacy's currency of today: the only one they ever had)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import partners.validators


def offers_take_their_candidacys_currency(apps, schema_editor):
    Candidacy = apps.get_model("assignments", "Candidacy")
    NegotiationRound = apps.get_model("assignments", "NegotiationRound")
    NegotiationRound.objects.update(
        currency=Subquery(
            Candidacy.objects.filter(pk=OuterRef("candidacy_id")).values("currency")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0016_calendar_feed"),
    ]

    operations = [
        migrations.AddField(
            model_name="negotiationround",
            name="currency",
            field=models.CharField(
                default="EUR",
                max_length=3,
                validators=[partners.validators.CurrencyCodeValidator()],
            ),
        ),
        migrations.RunPython(offers_take_their_candidacys_currency, migrations.RunPython.noop),
    ]
