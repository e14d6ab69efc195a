"""Run every periodic task once, here and now (idempotent: a second run sends nothing)."""

from django.core.management.base import BaseCommand

from assignments.tasks import PERIODIC


class Command(BaseCommand):
    help = "Run all periodic sweeps once in this process; safe to repeat."

    def handle(self, *args, **options):
        for task in PERIODIC:
            # Called in-process (no broker, no worker), exactly as the worker would run it.
            found = task()
            summary = ", ".join(f"{n} {what}" for what, n in found.items())
            self.stdout.write(f"{task.name.rsplit('.', 1)[-1]}: {summary}")
