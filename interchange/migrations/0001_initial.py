"""ImportJob as it stood in services: state only, on the table services created (services_importjob)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("services", "0007_importjob_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of the
            # owning app changes.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('upload', models.FileField(blank=True, upload_to='imports/')),
                        ('size', models.PositiveBigIntegerField(default=0)),
                        ('state', models.CharField(choices=[('checking', 'Checking'), ('preview', 'Checked: ready to import'), ('refused', 'Checked: has problems'), ('importing', 'Importing'), ('done', 'Imported'), ('failed', 'Not imported'), ('expired', 'Not confirmed in time')], default='checking', max_length=10)),
                        ('checked_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('report', models.JSONField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'services_importjob',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['created_by', 'created_at'], name='services_im_created_e20a0b_idx')],
                    },
                ),
            ],
        ),
    ]
