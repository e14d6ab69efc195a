"""The private channel between the firm's director and the selected manager: the thread,
and a note posted to it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import access, selectors, services
from ..constants import RATING_MAX, RATING_MIN
from ..exceptions import message_of
from ..services.channel import NOTE_MAX_LENGTH
from .common import ERRORS, _posted

STRAIN_LABELS = {
    1: _lazy("serene"),
    2: _lazy("comfortable"),
    3: _lazy("stretched"),
    4: _lazy("strained"),
    5: _lazy("worn out"),
}
STRAIN_CHOICES = [
    ("", _lazy("Not this time")),
    *(
        (n, format_lazy("{n} – {label}", n=n, label=STRAIN_LABELS[n]))
        for n in range(RATING_MIN, RATING_MAX + 1)
    ),
]


class ChannelNoteForm(forms.Form):
    """A note for the other side; the manager may also ask for support and rate their own
    strain (the director has neither field)."""

    body = forms.CharField(
        label=_lazy("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    needs_support = forms.BooleanField(
        label=_lazy("I need support"),
        required=False,
        help_text=_lazy("Raises a flag for the director, who will get back to you."),
    )
    strain = forms.TypedChoiceField(
        label=_lazy("My strain right now (only you and the director see it)"),
        choices=STRAIN_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        if not manager:
            del self.fields["needs_support"]
            del self.fields["strain"]

    def clean(self):
        data = super().clean()
        if not (data.get("body") or data.get("needs_support") or data.get("strain")):
            if "strain" in self.fields:
                raise forms.ValidationError(
                    _("Write a note, ask for support or record your strain.")
                )
            self.add_error("body", _("Write a note."))
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "body": data.get("body", ""),
            "needs_support": data.get("needs_support", False),
            "strain": data.get("strain"),
        }


def _channel_url(assignment, anchor=""):
    return reverse("assignments:channel", args=[assignment.pk]) + anchor


@login_required
def channel(request, pk):
    """GET shows the thread and its form; POST adds a note."""
    a = selectors.get_assignment_for_user(request.user, pk)
    if not access.can_see_channel(a, request.user):
        # The client side, and anyone not on it, learn nothing of the thread.
        raise Http404(_("No such page."))
    manager = access.is_selected_manager(a, request.user)
    form = ChannelNoteForm(_posted(request), manager=manager)
    status = 200
    if request.method == "POST":
        # A closed assignment is the service's to refuse, with the text kept.
        if form.is_valid():
            try:
                note = services.channel_note_post(
                    assignment=a, user=request.user, **form.service_kwargs()
                )
            except ERRORS as exc:
                form.add_error(None, message_of(exc))
                status = 409
            else:
                messages.success(request, _("Note posted."))
                return redirect(_channel_url(a, f"#note-{note.pk}"))
        else:
            status = 400
    context = {
        "assignment": a,
        "notes": selectors.channel_notes_for(a, request.user),
        "form": form,
        "may_post": access.can_use_channel(a, request.user),
        # A refused note comes back with its text, even on an assignment closed meanwhile.
        "show_form": access.can_use_channel(a, request.user) or bool(form.errors),
        "manager": manager,
    }
    return render(request, "assignments/channel.html", context, status=status)
