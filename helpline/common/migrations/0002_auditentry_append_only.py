"""On PostgreSQL, make the audit log append-only in the database itself.

A trigger rejects UPDATE and DELETE on common_auditentry for every role. The one
UPDATE allowed is the one Django makes when a staff account is deleted: setting
``actor_id`` to NULL while every other column stays the same (``actor_label``
keeps the name). The database owner can still, deliberately, disable the
trigger (``ALTER TABLE ... DISABLE TRIGGER``) for a legal erasure request.
On SQLite (the embedded single-user default) nothing is done: the model and its
queryset refuse updates and deletes in the application.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION common_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND NEW.id = OLD.id
       AND NEW.actor_label IS NOT DISTINCT FROM OLD.actor_label
       AND NEW.action IS NOT DISTINCT FROM OLD.action
       AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
       AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
       AND NEW.object_repr IS NOT DISTINCT FROM OLD.object_repr
       AND NEW.data::text IS NOT DISTINCT FROM OLD.data::text
       AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address
       AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'common_auditentry is append-only (% rejected)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS common_auditentry_append_only ON common_auditentry;
CREATE TRIGGER common_auditentry_append_only
    BEFORE UPDATE OR DELETE ON common_auditentry
    FOR EACH ROW EXECUTE FUNCTION common_auditentry_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON common_auditentry FROM PUBLIC;
"""

DROP = r"""
DROP TRIGGER IF EXISTS common_auditentry_append_only ON common_auditentry;
DROP FUNCTION IF EXISTS common_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
