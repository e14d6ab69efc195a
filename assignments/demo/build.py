"""The demo world, built once: its cast, its hand-made assignments in every state and the
closed back-stories with their close-outs."""

from django.db import transaction

from assignments.models import Assignment

from .closed import demo_closeouts
from .people import demo_exchange_rates, demo_people
from .world import demo_assignments


def demo_world_build():
    """Get or create the demo cast and, unless present, its hand-made assignments.

    Returns the cast and whether the assignments were built now.
    """
    with transaction.atomic():
        cast = demo_people()
        demo_exchange_rates()
        if Assignment.objects.filter(firm=cast["firms"][0]).exists():
            return cast, False
        demo_assignments(cast)
        demo_closeouts(cast)
    return cast, True
