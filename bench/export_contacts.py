"""Export a bundle with 1,000,000 contacts through export_bundle and print
the time and peak memory.

    DATABASE_URL=... python bench/export_contacts.py [--contacts N] [--zip]

When the database holds fewer contacts than asked for, the missing ones are
made first with plain SQL (triggers off: bench set-up only, like the
national data set) inside a transaction that is rolled back afterwards.
Target: 1,000,000 contacts in under 60 s and under
200 MB."""

import argparse
import json
import tempfile
import time
from pathlib import Path

from _django import CpuClock, peak_rss_mb, setup

SETUP_SQL = """
ALTER TABLE keywork_contact DISABLE TRIGGER USER;
ALTER TABLE keywork_contactintervention DISABLE TRIGGER USER;
INSERT INTO services_service (code, name, tier, open_access_drop_in)
    VALUES ('XBEN', 'Export bench', 3, false);
INSERT INTO services_user (username, password, full_name, first_name, last_name, email,
    is_superuser, is_staff, is_active, date_joined)
    VALUES ('xbench_kw', '!', 'Export Bench', '', '', '', false, false, true, now());
INSERT INTO clients_client (key, reference, initials, date_of_birth, sex_id, ethnicity_id,
    preferred_name, consent_national_reporting, created_at, updated_at)
    SELECT gen_random_uuid(), 'XB' || g, 'AB', DATE '1980-01-01', 'male', 'A', '', false,
           now(), now() FROM generate_series(1, %(episodes)s) g;
INSERT INTO clients_referral (reference, client_id, service_id, referral_date, source_id,
    primary_substance_id, reason, created_at)
    SELECT c.reference, c.id, (SELECT id FROM services_service WHERE code = 'XBEN'),
           DATE '2025-01-01', 'self', 'crack', '', now()
    FROM clients_client c WHERE c.reference LIKE 'XB%%';
INSERT INTO keywork_episode (reference, referral_id, tier, start_date, keyworker_id)
    SELECT r.reference, r.id, 3, DATE '2025-01-08',
           (SELECT id FROM services_user WHERE username = 'xbench_kw')
    FROM clients_referral r WHERE r.reference LIKE 'XB%%';
INSERT INTO keywork_contact (episode_id, contact_date, contact_type, mode, duration_minutes,
    attendance, note, created_at)
    SELECT e.id, DATE '2025-01-08' + g, 'keywork', 'in_person', 60, 'attended', '', now()
    FROM keywork_episode e CROSS JOIN generate_series(0, 49) g
    WHERE e.reference LIKE 'XB%%';
INSERT INTO keywork_contactintervention (contact_id, intervention_id)
    SELECT c.id, i FROM keywork_contact c
    JOIN keywork_episode e ON e.id = c.episode_id AND e.reference LIKE 'XB%%'
    CROSS JOIN unnest(ARRAY['motivational_interviewing', 'relapse_prevention']) i;
"""
# The triggers come back on with the rollback at the end.


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--zip", action="store_true", help="write a .zip instead of a folder")
    parser.add_argument("--service", help="export this service's bundle only")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction

    from interchange.exporting import export_bundle
    from keywork.models import Contact

    with transaction.atomic():
        existing = Contact.objects.count()
        made = 0
        if existing < args.contacts and not args.service:
            episodes = -(-(args.contacts - existing) // 50)
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(SETUP_SQL, {"episodes": episodes})
            made = episodes * 50
            print(f"  made {made:,} contacts for the bench in {time.perf_counter() - t:.1f}s")
        rss_before = peak_rss_mb()
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / ("bundle.zip" if args.zip else "bundle")
            clock = CpuClock()
            started = time.perf_counter()
            report = export_bundle(target, service_codes=[args.service] if args.service else None)
            elapsed = time.perf_counter() - started
            cpu_python, cpu_database = clock.seconds()
            if target.is_dir():
                size = sum(f.stat().st_size for f in target.iterdir())
            else:
                size = target.stat().st_size
        transaction.set_rollback(True)
    result = {
        "measure": f"export of {args.service}" if args.service else "export of all contacts",
        "contacts": report.rows["contacts.csv"],
        "rows": sum(report.rows.values()),
        "bundle_mb": round(size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "cpu_seconds_python": round(cpu_python, 1),
        "cpu_seconds_database": round(cpu_database, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "rss_before_export_mb": round(rss_before),
        "load_average_1m": round(__import__("os").getloadavg()[0], 1),
        "target": "1,000,000 contacts < 60 s and < 200 MB",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
