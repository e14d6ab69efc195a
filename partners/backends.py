from django.contrib.auth.backends import ModelBackend

from .models import User


class EmailBackend(ModelBackend):
    """Signs in by e-mail (case-insensitive) and loads the party profiles with the user,
    so that every access check of a request costs no further query."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related(
                "director_profile", "manager_profile", "client_profile"
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
