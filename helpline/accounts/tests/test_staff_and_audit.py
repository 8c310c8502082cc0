"""Role management by administrators, and the append-only audit log page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from helpline.accounts import selectors, services
from helpline.accounts.testing import make_staff
from helpline.common.audit import record
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_administrator_changes_roles_and_it_is_audited(client, administrator, specialist) -> None:
    client.force_login(administrator)
    page = client.get(f"/en/staff/people/{specialist.pk}/")
    assert page.status_code == 200
    response = client.post(f"/en/staff/people/{specialist.pk}/",
                           {"roles": ["specialist", "supervisor"], "active": "on"},
                           REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302
    assert sorted(specialist.groups.values_list("name", flat=True)) == ["specialist", "supervisor"]
    entry = AuditEntry.objects.get(action="accounts.roles_change")
    assert entry.actor == administrator
    assert entry.object_id == str(specialist.pk)
    assert entry.data == {"before": ["specialist"], "after": ["specialist", "supervisor"]}
    assert entry.ip_address == "192.0.2.10"


def test_unknown_role_is_a_form_error_and_changes_nothing(client, administrator, specialist) -> None:
    client.force_login(administrator)
    response = client.post(f"/en/staff/people/{specialist.pk}/", {"roles": ["god"], "active": "on"})
    assert response.status_code == 400
    assert list(specialist.groups.values_list("name", flat=True)) == ["specialist"]
    assert not AuditEntry.objects.filter(action="accounts.roles_change").exists()


def test_specialist_cannot_manage_staff_anywhere(client, specialist, administrator) -> None:
    client.force_login(specialist)
    assert client.get("/en/staff/people/").status_code == 403
    assert client.post(f"/en/staff/people/{administrator.pk}/",
                       {"roles": []}).status_code == 403
    with pytest.raises(NotAllowed):
        services.staff_roles_set(specialist, specialist, ["administrator"])
    assert not specialist.groups.filter(name="administrator").exists()


def test_cannot_lock_self_out(administrator) -> None:
    with pytest.raises(ApplicationError):
        services.staff_roles_set(administrator, administrator, ["specialist"])
    with pytest.raises(ApplicationError):
        services.staff_active_set(administrator, administrator, False)


def test_deactivate_and_reset_two_factor(client, administrator, specialist) -> None:
    services.totp_device_start(specialist)
    client.force_login(administrator)
    response = client.post(f"/en/staff/people/{specialist.pk}/",
                           {"roles": ["specialist"], "reset_2fa": "1"})
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert not specialist.is_active
    assert services.totp_device_for(specialist, confirmed=None) is None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"accounts.deactivate", "accounts.2fa_reset"} <= actions


def test_staff_list_shows_people(client, administrator, specialist) -> None:
    client.force_login(administrator)
    body = client.get("/es/staff/people/").content.decode()
    assert "sam" in body and "ada" in body
    assert "Personal y funciones" in body


def test_audit_log_page_for_administrators_only(client, administrator, specialist) -> None:
    record(specialist, "chat.view_other", specialist, data={"conversation": "abc"}, ip="192.0.2.1")
    record(administrator, "articles.publish", data={"version": 3})
    client.force_login(specialist)
    assert client.get("/en/staff/audit/").status_code == 403
    client.force_login(administrator)
    page = client.get("/en/staff/audit/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "chat.view_other" in body and "articles.publish" in body and "192.0.2.1" in body
    filtered = client.get("/en/staff/audit/", {"action": "articles"}).content.decode()
    assert "articles.publish" in filtered and "chat.view_other</code></td>" not in filtered
    by_actor = client.get("/en/staff/audit/", {"actor": "sam"}).content.decode()
    assert "chat.view_other" in by_actor and "articles.publish</code></td>" not in by_actor
    bad = client.get("/en/staff/audit/", {"since": "yesterday"})
    assert bad.status_code == 400
    assert "Enter a valid date" in bad.content.decode()


def test_audit_page_escapes_content(client, administrator) -> None:
    record(None, "accounts.login_failed", data={"username": "<script>alert(1)</script>"})
    client.force_login(administrator)
    body = client.get("/en/staff/audit/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_audit_selector_checks_permission(specialist) -> None:
    with pytest.raises(NotAllowed):
        selectors.audit_entries(specialist)


def test_audit_entries_cannot_be_changed_or_deleted(specialist) -> None:
    entry = record(specialist, "chat.export", data={"n": 1})
    entry.action = "chat.nothing"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "chat.export"


def test_deleting_a_user_keeps_their_entries(specialist) -> None:
    record(specialist, "chat.export", data={"n": 1})
    specialist.delete()
    entry = AuditEntry.objects.get(action="chat.export")
    assert entry.actor is None and entry.actor_label == "sam"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_trigger_rejects_raw_update_and_delete() -> None:
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    user = make_staff("pat", "specialist")
    entry = record(user, "chat.export", data={"n": 1})
    for sql in (
        "UPDATE common_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM common_auditentry WHERE id = %s",
        "UPDATE common_auditentry SET actor_id = NULL, action = 'forged' WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    # Deleting the staff account only clears the link (the trigger allows exactly that).
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.action == "chat.export" and entry.actor_id is None and entry.actor_label == "pat"


def test_role_groups_carry_trust_permissions(administrator) -> None:
    assert administrator.has_perm("accounts.manage_staff")
    assert administrator.has_perm("accounts.view_auditlog")
    assert Group.objects.filter(name="administrator").exists()
