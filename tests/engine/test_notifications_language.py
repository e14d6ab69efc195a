"""Each person reads Interim's messages in their own language: the same event tells a
French-speaking and an English-speaking person each in theirs (subject, body, reason and
the e-mail sent), whoever did it; a sweep words its flags in the director's language; the
digest and the password-reset e-mail follow the account's language."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from assignments import services
from assignments.constants import Delivery, NotificationKind
from assignments.models import Flag, Notification, NotificationPreference
from assignments.services.notifications import notifications_record
from assignments.tasks import send_audit_reminders, send_digests, send_pending_emails
from partners.models import User
from partners.tasks import send_password_reset
from tests.factories import ClientContactFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def speaks(user, language):
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


@pytest.fixture
def colleague(assignment):
    """A second contact of the assignment's client organisation, who reads French."""
    user = ClientContactFactory(
        organisation=assignment.client, user__full_name="Claire Collègue"
    ).user
    speaks(user, "fr")
    return user


def presented(walker):
    walker.to_selection()
    candidacy = walker.ready_candidacy(present=False)
    services.candidacy_present(candidacy=candidacy, user=walker.director)
    return candidacy


def test_one_event_tells_each_recipient_in_their_own_language(walker, colleague):
    speaks(walker.client, "en-gb")
    # The director who presents reads French: the English-speaking client still reads English.
    speaks(walker.director, "fr")
    with translation.override("fr"):
        presented(walker)
    english = Notification.objects.get(recipient=walker.client)
    french = Notification.objects.get(recipient=colleague)
    title = walker.a.title
    assert english.subject == f"A candidate is presented to you – {title}"
    assert english.body.startswith(f"{walker.a.firm} presents {walker.manager}")
    assert english.reason == f"You are the client contact for “{title}”."
    assert french.subject == f"Un candidat vous est présenté – {title}"
    assert f"{walker.a.firm} présente {walker.manager} pour « {title} »" in french.body
    assert "Examinez les candidats et choisissez le manager." in french.body
    assert french.reason == f"Vous êtes le contact client de « {title} »."

    assert send_pending_emails() == {"emailed": 2}
    by_address = {m.to[0]: m for m in mail.outbox}
    to_english, to_french = by_address[walker.client.email], by_address[colleague.email]
    assert to_english.subject == f"[Interim] A candidate is presented to you – {title}"
    assert "Why you received this: You are the client contact" in to_english.body
    assert "Open it in Interim: " in to_english.body
    assert to_french.subject == f"[Interim] Un candidat vous est présenté – {title}"
    assert to_french.body.startswith("Bonjour Claire Collègue,")
    assert "Pourquoi vous recevez ceci : Vous êtes le contact client" in to_french.body
    assert "Ouvrez-le dans Interim : " in to_french.body
    html = to_french.alternatives[0][0]
    assert '<html lang="fr">' in html and "Ouvrir dans Interim" in html


def test_someone_without_a_language_reads_the_installation_language(walker, colleague):
    speaks(walker.client, "")
    with translation.override("fr"):  # whatever the actor's language
        presented(walker)
    note = Notification.objects.get(recipient=walker.client)
    assert note.subject.startswith("A candidate is presented to you")


def test_dates_in_a_message_are_written_in_the_readers_language(walker):
    speaks(walker.manager, "fr")
    speaks(walker.director, "en-gb")
    walker.to_selection()
    candidacy = walker.ready_candidacy()
    services.assignment_select_manager(
        assignment=walker.a, user=walker.client, candidacy=candidacy, comment=""
    )
    walker.a.refresh_from_db()
    due = walker.a.audit_due_date
    to_manager = Notification.objects.get(
        recipient=walker.manager, key__startswith="manager-chosen"
    )
    with translation.override("fr"):
        french_day = f"{due:%d} {translation.gettext(due.strftime('%B'))} {due:%Y}"
    assert f"Votre audit de situation est prévu le {french_day.lower()}" in to_manager.body
    assert to_manager.subject.startswith("Vous êtes retenu – ")


def test_a_sweep_words_each_flag_and_notice_in_the_directors_language(walker):
    speaks(walker.director, "fr")
    auditing = walker.walk_to("audit")
    due = auditing.audit_due_date
    with at(date.fromordinal(due.toordinal() + 3)):
        send_audit_reminders()
    flag = Flag.objects.get(assignment=auditing, kind=Flag.Kind.AUDIT_OVERDUE)
    assert flag.message.startswith(f"Le rapport d'audit de « {auditing.title} » était attendu le")
    assert "3 jours de retard" in flag.message
    note = Notification.objects.get(recipient=walker.director, key__startswith="audit_overdue")
    assert note.subject == f"Rapport d'audit en retard – {auditing.title}"
    assert note.body == flag.message


def test_recording_many_notices_reads_the_recipients_languages_in_one_query(walker, colleague):
    presented(walker)
    Notification.objects.all().delete()
    notes = [
        services.events.Notification(
            recipient_id=pk,
            assignment_id=walker.a.pk,
            key=f"test:{pk}",
            subject=services.notifications.said(
                translation.gettext_lazy("Not retained – %(title)s"), title="T"
            ),
            body="",
            reason="",
        )
        for pk in (walker.client.pk, colleague.pk, walker.director.pk, walker.manager.pk)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert notifications_record(notes) == 4
    users = [q for q in queries.captured_queries if 'FROM "partners_user"' in q["sql"]]
    assert len(users) == 1
    assert dict(Notification.objects.values_list("recipient_id", "subject")) == {
        walker.client.pk: "Not retained – T",
        colleague.pk: "Non retenu – T",
        walker.director.pk: "Not retained – T",
        walker.manager.pk: "Not retained – T",
    }


def test_a_digest_is_written_in_its_recipients_language(walker, colleague):
    NotificationPreference.objects.create(
        user=colleague, kind=NotificationKind.SELECTION, delivery=Delivery.DIGEST
    )
    presented(walker)
    assert send_digests() == {"digests": 1}
    (digest,) = [m for m in mail.outbox if m.to == [colleague.email]]
    assert digest.subject == "[Interim] Votre récapitulatif quotidien : 1 nouvelle"
    assert digest.body.startswith("Bonjour Claire Collègue,")
    assert "Voici ce qui s'est passé sur vos missions" in digest.body
    assert f"Un candidat vous est présenté – {walker.a.title}" in digest.body
    assert "Modifiez ce choix ici : " in digest.body
    html = digest.alternatives[0][0]
    assert '<html lang="fr">' in html and "Votre récapitulatif quotidien" in html


def test_the_password_reset_email_follows_the_accounts_language(walker):
    speaks(walker.client, "fr")
    send_password_reset(walker.client.email, "interim.test", True, language="en-gb")
    # No language on the account: the page's, as the view passes it.
    send_password_reset(walker.director.email, "interim.test", True, language="fr")
    send_password_reset(walker.manager.email, "interim.test", True)
    french, from_the_page, english = mail.outbox
    assert french.to == [walker.client.email]
    assert "Réinitialisation du mot de passe" in french.subject
    assert "réinitialisation" in french.body
    assert from_the_page.to == [walker.director.email]
    assert "Réinitialisation du mot de passe" in from_the_page.subject
    assert english.subject.startswith("Password reset")
