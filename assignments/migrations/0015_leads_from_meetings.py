"""Each held meeting that noted new business becomes a lead of its firm's pipeline, as
recording it does from now on: once per meeting (run again, it adds nothing), owned by the
assignment's director, in batches so that a large history never sits in memory at once.
Reversed, it keeps the leads: directors may have worked on them since, and forward again
it adds nothing."""

from django.db import migrations

BATCH = 500


def leads_from_meetings(apps, schema_editor):
    ProgressMeeting = apps.get_model("assignments", "ProgressMeeting")
    Opportunity = apps.get_model("assignments", "Opportunity")
    pending = (
        ProgressMeeting.objects.filter(status="held")
        .exclude(opportunities="")
        .filter(leads__isnull=True)
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(
            pending.filter(pk__gt=last).values(
                "pk",
                "opportunities",
                "held_on",
                "assignment__firm_id",
                "assignment__client_id",
                "assignment__director_id",
            )[:BATCH]
        )
        if not batch:
            return
        last = batch[-1]["pk"]
        leads = []
        for m in batch:
            text = m["opportunities"].strip()
            if not text:
                continue
            leads.append(
                Opportunity(
                    firm_id=m["assignment__firm_id"],
                    client_id=m["assignment__client_id"],
                    owner_id=m["assignment__director_id"],
                    description=text,
                    source_meeting_id=m["pk"],
                )
            )
        Opportunity.objects.bulk_create(leads, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("assignments", "0014_closeout_and_pipeline")]

    operations = [migrations.RunPython(leads_from_meetings, migrations.RunPython.noop)]
