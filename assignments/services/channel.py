"""The private channel between the firm's director and the selected manager: notes the
client never reads, a manager's call for support and their own strain, as flags."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import access
from ..constants import RATING_MAX, RATING_MIN, FlagKind, NotificationKind, Party
from ..models import Assignment, ChannelNote, Flag
from . import events
from .common import lock, require
from .flags import record
from .notifications import joined, said

NOTE_MAX_LENGTH = 5000


def channel_note_post(
    *,
    assignment: Assignment,
    user: Any,
    body: str = "",
    needs_support: bool = False,
    strain: int | None = None,
) -> ChannelNote:
    """Write a note in the private thread; the other side is told. A manager's request for
    support, or their self-assessed strain at MANAGER_STRAIN_LEVEL or above, raises a
    `manager_strain` flag for the director."""
    access.check("use_channel", assignment, user)
    manager = access.is_selected_manager(assignment, user)
    body = (body or "").strip()
    require(
        strain is None or manager,
        _("Only the interim manager records a strain here: it is their own self-assessment."),
    )
    require(not needs_support or manager, _("Only the interim manager asks for support here."))
    require(
        strain is None or (isinstance(strain, int) and RATING_MIN <= strain <= RATING_MAX),
        _("A strain is rated from %(min)s (serene) to %(max)s (worn out).")
        % {"min": RATING_MIN, "max": RATING_MAX},
    )
    require(
        body or strain is not None or needs_support,
        _("Write a note, ask for support or record your strain."),
    )
    require(
        len(body) <= NOTE_MAX_LENGTH,
        _("A note holds at most %(max)s characters; this one has %(length)s.")
        % {"max": NOTE_MAX_LENGTH, "length": len(body)},
    )
    with transaction.atomic():
        lock(assignment)
        note = ChannelNote.objects.create(
            assignment=assignment,
            author=user,
            body=body,
            needs_support=needs_support,
            strain=strain,
        )
        record(flags=_strain_flags(note, user))
        _tell_the_other_side(note, user, manager=manager)
    return note


def _strain_flags(note: ChannelNote, user: Any) -> list[Flag]:
    """The director's warnings a manager's note carries: a call for support, a high strain."""
    a = note.assignment
    who = user.full_name or str(user)
    wrote = (
        said(_lazy(" They wrote: “%(body)s”"), body=Truncator(note.body).chars(300))
        if note.body
        else ""
    )
    flags = []
    if note.needs_support:
        flags.append(
            Flag(
                assignment=a,
                kind=FlagKind.MANAGER_STRAIN,
                key=f"manager_strain:support:{note.pk}",
                message=said(
                    _lazy(
                        "%(who)s asked for support in the private channel.%(wrote)s Talk to "
                        "them and re-establish roles and resources."
                    ),
                    who=who,
                    wrote=wrote,
                ),
            )
        )
    if note.strain is not None and note.strain >= settings.MANAGER_STRAIN_LEVEL:
        flags.append(
            Flag(
                assignment=a,
                kind=FlagKind.MANAGER_STRAIN,
                key=f"manager_strain:self:{note.pk}",
                message=said(
                    _lazy(
                        "%(who)s assessed their own strain at %(strain)s/%(max)s in the "
                        "private channel. Talk to them before it breaks."
                    ),
                    who=who,
                    strain=note.strain,
                    max=RATING_MAX,
                ),
            )
        )
    return flags


def _tell_the_other_side(note: ChannelNote, user: Any, *, manager: bool) -> int:
    """The manager's note goes to the director, the director's to the manager; an admin's
    to both."""
    a = note.assignment
    if manager:
        parties = [Party.DIRECTOR]
    elif access.is_firm_director(a, user):
        parties = [Party.MANAGER]
    else:
        parties = [Party.DIRECTOR, Party.MANAGER]
    who = user.full_name or str(user)
    lines: list[object] = []
    if note.needs_support:
        lines.append(said(_lazy("%(who)s asks for your support."), who=who))
    if note.strain is not None:
        lines.append(
            said(
                _lazy("Self-assessed strain: %(strain)s/%(max)s."),
                strain=note.strain,
                max=RATING_MAX,
            )
        )
    if note.body:
        lines.append(note.body)
    subject = said(
        _lazy("%(who)s asks for support – %(title)s")
        if note.needs_support
        else _lazy("A private note from %(who)s – %(title)s"),
        who=who,
        title=a.title,
    )
    return events.tell(
        a,
        parties,
        kind=NotificationKind.CHANNEL,
        key=f"channel-note:{note.pk}",
        subject=subject,
        body=joined("\n\n", *lines),
        url=events.place(a, name="channel") + f"#note-{note.pk}",
        exclude=[user.pk],
    )
