"""The dashboard stores nothing: this unmanaged model only carries its permission."""

from django.db import models


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can see the supervisor dashboard")]
