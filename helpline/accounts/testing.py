"""Test support for staff accounts (used by every app's tests)."""

from __future__ import annotations


def make_staff(username: str, *roles: str, password: str = "correct horse battery staple"):
    """A staff user in the given role groups (groups come from accounts.roles)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from .roles import ensure_roles

    if not Group.objects.filter(name__in=roles).count() == len(set(roles)):
        ensure_roles()
    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=True, first_name=username.title()
    )
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user
