"""Forms validate input and hand cleaned data to services; they never save models."""

from django import forms

from .models import AuditReport, Candidacy

TRANSITION_LABELS = {
    "open_selection": "Open selection",
    "select_manager": "Select manager",
    "accept_audit": "Accept audit",
    "start_progress": "Start progress",
    "start_realignment": "Start realignment",
    "resume_progress": "Resume progress",
    "complete": "Complete",
    "cancel": "Cancel assignment",
}


class TransitionForm(forms.Form):
    """The fields a transition needs (DESIGN.md: comment, candidacy, report, reason, outcome)."""

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignment, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.name = name
        if name == "select_manager":
            self.fields["candidacy"] = forms.ModelChoiceField(
                queryset=assignment.candidacies.filter(
                    status=Candidacy.Status.PRESENTED
                ).select_related("manager"),
                label="Chosen candidate",
                error_messages={"invalid_choice": "Choose one of the presented candidates."},
            )
        elif name == "accept_audit":
            self.fields["report"] = forms.ModelChoiceField(
                queryset=assignment.audit_reports.filter(status=AuditReport.Status.SUBMITTED),
                label="Audit report",
                error_messages={"invalid_choice": "Choose a submitted audit report."},
            )
        elif name in ("start_realignment", "cancel"):
            self.fields["reason"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
        elif name == "complete":
            self.fields["outcome"] = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
        self.order_fields([f for f in self.fields if f != "comment"] + ["comment"])

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {"comment": data.get("comment", "")}
        for name in ("candidacy", "report", "reason", "outcome"):
            if name in self.fields:
                kwargs[name] = data[name]
        return kwargs
