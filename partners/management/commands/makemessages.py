"""Django's makemessages, also reading `_lazy(...)`: the name the code gives gettext_lazy
where `_` is already gettext (module constants and call-time sentences side by side)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
