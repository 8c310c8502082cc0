"""Accounts: staff users are Django users in role groups (see roles.py).

``StaffAccess`` has no table; it only carries the permissions for managing
staff and reading the audit log, so they can be given to roles like any other.
"""

from django.conf import settings
from django.db import models


class StaffAccess(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("manage_staff", "Can change staff roles and deactivate staff accounts"),
            ("view_auditlog", "Can read the staff audit log"),
        ]


class StaffProfile(models.Model):
    """How a staff member is named in public: on the pages they review, for example.

    ``display_name`` is the name as printed ("Ana Ruiz"); ``credentials`` the
    qualifications after it ("MD, hematology-oncology"). Both are optional; a
    reviewer without a profile is named by their full name or user name.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_profile")
    display_name = models.CharField(max_length=120, blank=True)
    credentials = models.CharField(max_length=120, blank=True,
                                   help_text="Qualifications shown after the name, e.g. MD, RN.")

    def __str__(self) -> str:
        return self.display_name or str(self.user)


class Invitation(models.Model):
    """An administrator's invitation to a new staff member, and how far they have got.

    The account exists from the start (with no usable password, in its roles); the
    e-mailed link lets the person set a password, then enrol an authenticator, then a
    specialist chooses their chat languages and limit. Until ``completed_at`` is set
    the account can reach only the next step (``OnboardingMiddleware``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_invitations")
    email = models.EmailField()
    roles = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    password_set_at = models.DateTimeField(null=True, blank=True)
    chat_settings_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({'done' if self.completed_at else 'invited'})"
