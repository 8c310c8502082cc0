"""Accounts: staff users are Django users in role groups (see roles.py).

``StaffAccess`` has no table; it only carries the permissions for managing
staff and reading the audit log, so they can be given to roles like any other.
"""

from django.db import models


class StaffAccess(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("manage_staff", "Can change staff roles and deactivate staff accounts"),
            ("view_auditlog", "Can read the staff audit log"),
        ]
