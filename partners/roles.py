"""Which hat a signed-in user wears now: users with several roles can switch."""

from .models import Role

SESSION_KEY = "interim_role"


def current_role(request):
    roles = request.user.roles if request.user.is_authenticated else []
    chosen = request.session.get(SESSION_KEY)
    if chosen in roles:
        return Role(chosen)
    return roles[0] if roles else None
