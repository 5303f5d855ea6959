"""Create one group per role. Roles are configuration; people are never created here."""

from django.db import migrations

ROLE_LABELS = [
    "Service lead",
    "Case manager",
    "Data coordinator",
    "Volunteer coordinator",
    "Commissioner",
    "IG lead",
    "Administrator",
]


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    for label in ROLE_LABELS:
        Group.objects.get_or_create(name=label)


def remove_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_LABELS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_roles, remove_roles)]
