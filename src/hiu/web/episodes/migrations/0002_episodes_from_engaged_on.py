"""Clients recorded before episodes existed had one date, ``engaged_on``. Each such client gets
a first episode, engaged since that date, so the date is kept before the column goes."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Client = apps.get_model("clients", "Client")
    Episode = apps.get_model("episodes", "Episode")
    PhaseChange = apps.get_model("episodes", "PhaseChange")
    for client in Client.objects.exclude(engaged_on__isnull=True).iterator():
        if Episode.objects.filter(client_id=client.pk).exists():
            continue
        episode = Episode.objects.create(
            client_id=client.pk,
            number=1,
            way_in=client.way_in,
            phase="engaged",
            phase_since=client.engaged_on,
            opened_on=client.engaged_on,
            engaged_on=client.engaged_on,
        )
        PhaseChange.objects.create(
            episode=episode,
            from_phase="",
            to_phase="engaged",
            effective_on=client.engaged_on,
            reason="Engaged before episodes were recorded",
        )


class Migration(migrations.Migration):
    dependencies = [("episodes", "0001_initial"), ("clients", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
