"""Each firm works with the client organisations it already has assignments with."""

from django.db import migrations


def link_firms_to_their_clients(apps, schema_editor):
    Assignment = apps.get_model("assignments", "Assignment")
    Through = apps.get_model("partners", "ProviderFirm").clients.through
    pairs = set(Assignment.objects.values_list("firm_id", "client_id").distinct())
    Through.objects.bulk_create(
        [Through(providerfirm_id=f, clientorganisation_id=c) for f, c in pairs],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assignments", "0003_engine_markers"),
        ("partners", "0002_firm_clients"),
    ]

    operations = [migrations.RunPython(link_firms_to_their_clients, migrations.RunPython.noop)]
