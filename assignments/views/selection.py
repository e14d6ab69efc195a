"""Selection and intermediation: shortlist, vet, present, negotiate the day rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from partners.models import User

from .. import access, selectors, services
from ..exceptions import message_of
from ..forms import CandidacyAddForm, NegotiationRoundForm, PresentForm, VettingForm
from ..models import Candidacy
from ..selectors.records import candidacy_track_record
from .common import ERRORS, _form_page, _form_view, _posted


def _candidacy(a, candidacy_id):
    return selectors.get_child_or_404(
        Candidacy.objects.select_related("manager", "assignment"), pk=candidacy_id, assignment=a
    )


@login_required
def candidacy_add(request, pk):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("shortlist", a, request.user)
    pool = (
        User.objects.filter(manager_profile__firms=a.firm_id)
        .exclude(candidacies__assignment=a)
        .select_related("manager_profile")
        .order_by("full_name")
    )
    form = CandidacyAddForm(_posted(request), pool=pool)
    if request.method == "POST" and form.is_valid():
        try:
            c = services.candidacy_add(
                assignment=a, user=request.user, manager=form.cleaned_data["manager"]
            )
        except ERRORS as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(
                request,
                _("%(manager)s shortlisted: now vet the candidacy.") % {"manager": c.manager},
            )
            return redirect("assignments:candidacy_vet", pk=a.pk, candidacy_id=c.pk)
    return _form_page(
        request,
        a,
        form,
        title=_("Shortlist a manager"),
        submit=_("Shortlist"),
        anchor="#selection",
        extra={"pool_search_url": f"{reverse('managers')}?for={a.pk}"},
    )


@login_required
def candidacy_vet(request, pk, candidacy_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("vet", a, request.user)
    c = _candidacy(a, candidacy_id)
    form = VettingForm(_posted(request), instance=c)
    return _form_view(
        request,
        a,
        form,
        lambda data: services.candidacy_vet(
            candidacy=Candidacy.objects.get(pk=c.pk),
            user=request.user,
            **{k: data[k] for k in Candidacy.VETTING_EDITABLE},
        ),
        success=_("Vetting of %(manager)s saved.") % {"manager": c.manager},
        title=_("Vet %(manager)s") % {"manager": c.manager},
        submit=_("Save the vetting"),
        anchor="#selection",
        extra={"candidacy": c, "track_record": candidacy_track_record(a, request.user, c)},
    )


@login_required
def candidacy_present(request, pk, candidacy_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("present", a, request.user)
    c = _candidacy(a, candidacy_id)
    return _form_view(
        request,
        a,
        PresentForm(_posted(request)),
        lambda data: services.candidacy_present(
            candidacy=c, user=request.user, justification=data["justification"]
        ),
        success=_("%(manager)s presented to the client.") % {"manager": c.manager},
        title=_("Present %(manager)s to the client") % {"manager": c.manager},
        submit=_("Present"),
        anchor="#selection",
        extra={"candidacy": c, "track_record": candidacy_track_record(a, request.user, c)},
    )


@login_required
def negotiation_round(request, pk, candidacy_id):
    a = selectors.get_assignment_for_user(request.user, pk)
    access.check_party("negotiate", a, request.user)
    c = _candidacy(a, candidacy_id)
    return _form_view(
        request,
        a,
        NegotiationRoundForm(_posted(request)),
        lambda data: services.negotiation_round_record(candidacy=c, user=request.user, **data),
        success=_("Negotiation round recorded."),
        title=_("Day-rate negotiation with %(manager)s") % {"manager": c.manager},
        submit=_("Record the offer"),
        anchor="#selection",
        extra={"candidacy": c, "rounds": c.rounds.all()},
    )
