from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_service_identification_settings"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffprofile",
            name="organisation",
            field=models.CharField(blank=True, max_length=200),
        ),
    ]
