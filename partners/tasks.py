"""Celery tasks of the partners app: thin callers of its services."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation

from .models import User
from .services import password_reset_send

TRANSIENT = (
    OperationalError,
    InterfaceError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)


# A few retries only: the person is waiting for the e-mail, or will ask again.
@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
)
def send_password_reset(email, domain, use_https, language=None):
    """E-mail the password-reset link to the account using `email`, if one does, in the
    account's language; else in `language` (the one the page was read in, when the caller
    gives it) or the installation's."""
    chosen = (
        User.objects.filter(email__iexact=email, is_active=True)
        .exclude(language="")
        .values_list("language", flat=True)
        .first()
    )
    with translation.override(chosen or language or settings.LANGUAGE_CODE):
        password_reset_send(email=email, domain=domain, use_https=use_https)
