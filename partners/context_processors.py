from .roles import current_role


def roles(request):
    if not hasattr(request, "user") or not request.user.is_authenticated:
        return {}
    return {"current_role": current_role(request), "user_roles": request.user.roles}
