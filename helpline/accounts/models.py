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
