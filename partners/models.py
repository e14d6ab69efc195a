"""People and organisations: provider firms, clients, and the three parties' profiles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

from .validators import currency_code, positive_amount, single_line

country_code = RegexValidator(r"^[A-Z]{2}$", _lazy("Use a two-letter ISO 3166 code, e.g. FR."))


# The permission that makes a staff member an operator of the installation, who sees every
# assignment in the app (a superuser has it; staff status alone does not).
ADMIN_PERMISSION = "partners.view_everything"


class Role(models.TextChoices):
    DIRECTOR = "director", _lazy("Assignment director")
    MANAGER = "manager", _lazy("Interim manager")
    CLIENT = "client", _lazy("Client contact")
    ADMIN = "admin", _lazy("Admin")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in with an e-mail address; roles come from their profiles."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_lazy("e-mail address"), unique=True)
    full_name = models.CharField(max_length=150, validators=[single_line])
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_lazy("The language of the pages and e-mails; empty follows the browser."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _lazy("user")
        verbose_name_plural = _lazy("users")
        ordering = ["full_name"]
        permissions = [
            # With staff status: an admin of the app, who sees and may do everything there.
            ("view_everything", "Can see and do everything in the app (with staff status)"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self):
        """The user's roles, derived from their profiles (and staff status)."""
        found = []
        if hasattr(self, "director_profile"):
            found.append(Role.DIRECTOR)
        if hasattr(self, "manager_profile"):
            found.append(Role.MANAGER)
        if hasattr(self, "client_profile"):
            found.append(Role.CLIENT)
        if self.is_staff and self.has_perm(ADMIN_PERMISSION):
            found.append(Role.ADMIN)
        return found


def default_reporting_currency() -> str:
    """The installation's reporting currency (setting REPORTING_CURRENCY), for a new firm."""
    return settings.REPORTING_CURRENCY


class ProviderFirm(models.Model):
    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    country = models.CharField(max_length=2, validators=[country_code])
    # The currency its portfolio figures are converted into (partners.money).
    reporting_currency = models.CharField(
        _lazy("reporting currency"),
        max_length=3,
        default=default_reporting_currency,
        validators=[currency_code],
        help_text=_lazy("ISO 4217 code, e.g. EUR: pipeline totals are converted into it."),
    )
    # The client organisations the firm works with: its directors see these, and only
    # these, when they record a request.
    clients = models.ManyToManyField(
        "ClientOrganisation", related_name="provider_firms", blank=True
    )
    # Moves on whenever something the firm's dashboard shows changes: it names the cached
    # copy (assignments.services.freshness), so every process sees the change at once.
    dashboard_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _lazy("provider firm")
        verbose_name_plural = _lazy("provider firms")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExchangeRate(models.Model):
    """What one unit of `currency` was worth in `quote_currency` from `valid_on` on (until
    a later rate of the same pair): the table admins maintain, read by partners.money."""

    currency = models.CharField(_lazy("currency"), max_length=3, validators=[currency_code])
    quote_currency = models.CharField(
        _lazy("quote currency"),
        max_length=3,
        default=default_reporting_currency,
        validators=[currency_code],
        help_text=_lazy("Usually the reporting currency, e.g. EUR."),
    )
    # Eight places hold a rate like 1 JPY = 0.00612345 EUR without losing digits.
    rate = models.DecimalField(
        _lazy("rate"),
        max_digits=18,
        decimal_places=8,
        help_text=_lazy("How much one unit of the currency is worth in the quote currency."),
    )
    valid_on = models.DateField(_lazy("valid from"))

    class Meta:
        verbose_name = _lazy("exchange rate")
        verbose_name_plural = _lazy("exchange rates")
        ordering = ["-valid_on", "currency", "quote_currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote_currency", "valid_on"],
                name="one_rate_per_pair_and_day",
                violation_error_message=_lazy(
                    "There is already a rate for this pair of currencies on that day."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_lazy("A rate must be positive."),
            ),
            models.CheckConstraint(
                condition=~models.Q(currency=models.F("quote_currency")),
                name="exchange_rate_two_currencies",
                violation_error_message=_lazy(
                    "A rate converts one currency into another: choose two different ones."
                ),
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {self.quote_currency} ({self.valid_on})"


class ClientOrganisation(models.Model):
    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    sector = models.CharField(max_length=100)
    country = models.CharField(max_length=2, validators=[country_code])

    class Meta:
        verbose_name = _lazy("client organisation")
        verbose_name_plural = _lazy("client organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _lazy("skill")
        verbose_name_plural = _lazy("skills")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DirectorProfile(models.Model):
    """A partner of a provider firm, accountable for the firm's assignments."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="director_profile")
    firm = models.ForeignKey(ProviderFirm, on_delete=models.PROTECT, related_name="directors")
    title = models.CharField(max_length=100, blank=True, default="Partner")

    class Meta:
        verbose_name = _lazy("director profile")
        verbose_name_plural = _lazy("director profiles")
        ordering = ["user__full_name"]

    def __str__(self):
        return f"{self.user} ({self.firm})"


class ManagerProfile(models.Model):
    """A senior executive in one or more firms' pools of interim managers."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="manager_profile")
    headline = models.CharField(max_length=200, blank=True)
    cv_summary = models.TextField(_lazy("CV summary"), blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="managers")
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text=_lazy("Comma-separated ISO 639-1 codes, e.g. en, fr, de."),
    )
    countries = models.CharField(
        max_length=200,
        blank=True,
        help_text=_lazy("Where they work: comma-separated ISO 3166 codes, e.g. FR, BE, CH."),
    )
    # The day-rate range the manager works at: from `day_rate` up to `day_rate_max`.
    day_rate = models.DecimalField(
        _lazy("day rate from"), max_digits=9, decimal_places=2, validators=[positive_amount]
    )
    day_rate_max = models.DecimalField(
        _lazy("day rate up to"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[positive_amount],
    )
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_code])
    available_from = models.DateField(null=True, blank=True)
    firms = models.ManyToManyField(ProviderFirm, related_name="pool", blank=True)

    class Meta:
        verbose_name = _lazy("manager profile")
        verbose_name_plural = _lazy("manager profiles")
        ordering = ["user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_rate_max__isnull=True)
                | models.Q(day_rate_max__gte=models.F("day_rate")),
                name="day_rate_range_ordered",
            )
        ]

    def __str__(self):
        return str(self.user)


class ClientContact(models.Model):
    """A person at a client organisation who speaks for it on assignments."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="client_profile")
    organisation = models.ForeignKey(
        ClientOrganisation, on_delete=models.PROTECT, related_name="contacts"
    )
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _lazy("client contact")
        verbose_name_plural = _lazy("client contacts")
        ordering = ["user__full_name"]

    def __str__(self):
        return f"{self.user} ({self.organisation})"
