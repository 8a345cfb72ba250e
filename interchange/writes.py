"""The writes of an import, run only after every check has passed, inside
the import's transaction. Each returns (new, changed).

Rows are matched to records by their keys (docs/interchange.md):
services by code, staff by username, clients, referrals and episodes by
their *_ref (the stored reference), outcome forms by episode, timepoint
and reporter. Appointments and contacts have no reference of their own:
they match by (referral, appointment date) and (episode, contact date,
contact type), and where several share that key, the n-th row of the
bundle matches the n-th record (oldest first)."""

from django.contrib.auth.hashers import make_password

from clients.models import Appointment, Client, Referral
from interchange import top_files
from interchange.staging import execute, fetch, insert_select
from keywork.models import Contact, ContactIntervention, Episode
from outcomes.actions import followups_sweep
from outcomes.models import OutcomeForm
from services.access import ADMIN
from services.models import Membership, Service, User


def write_services() -> tuple[int, int]:
    rows = fetch(
        "SELECT code, name, tier, open_access_drop_in, day_programme_weeks "
        "FROM stage_services ORDER BY line"
    )
    existing = {s.code: s for s in Service.objects.filter(code__in=[r[0] for r in rows])}
    new, changed = [], []
    for code, name, tier, drop_in, weeks in rows:
        values = {
            "name": name,
            "tier": tier,
            "open_access_drop_in": drop_in,
            "day_programme_weeks": weeks,
        }
        service = existing.get(code)
        if service is None:
            new.append(Service(code=code, **values))
        elif any(getattr(service, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(service, k, v)
            changed.append(service)
    Service.objects.bulk_create(new)
    Service.objects.bulk_update(
        changed, ["name", "tier", "open_access_drop_in", "day_programme_weeks"]
    )
    return len(new), len(changed)


def write_staff() -> tuple[int, int]:
    """New staff get no usable password: they set one through the reset
    flow. Existing staff keep theirs; memberships are added or their role
    changed, never removed. An `admin` row makes an administrator."""
    rows = fetch(
        "SELECT username, coalesce(full_name, ''), coalesce(email, ''), role, "
        "coalesce(services, '{}') FROM stage_staff ORDER BY line"
    )
    usernames = sorted({r[0] for r in rows})
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    fresh = set(usernames) - set(users)
    changed_users: set[str] = set()
    for username, full_name, email, role, _codes in rows:
        admin = role == ADMIN
        user = users.get(username)
        if user is None:
            users[username] = User(
                username=username,
                full_name=full_name,
                email=email,
                password=make_password(None),
            )
            user = users[username]
        elif username not in fresh and (user.full_name, user.email) != (full_name, email):
            user.full_name, user.email = full_name, email
            changed_users.add(username)
        if admin and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            if username not in fresh:
                changed_users.add(username)
    User.objects.bulk_create([users[name] for name in sorted(fresh)])
    User.objects.bulk_update(
        [users[name] for name in sorted(changed_users)],
        ["full_name", "email", "is_superuser", "is_staff"],
    )
    services = {s.code: s for s in Service.objects.all()}
    memberships = {
        (m.user_id, m.service_id): m
        for m in Membership.objects.filter(user__username__in=usernames)
    }
    new_memberships, changed_memberships = [], []
    notices: list[tuple[int, User, str]] = []
    new = changed = 0
    for username, _name, _email, role, codes in rows:
        user = users[username]
        row_changed = username in changed_users
        for code in codes:
            service = services[code]
            membership = memberships.get((user.pk, service.pk))
            if membership is None:
                membership = Membership(user=user, service=service, role=role)
                memberships[(user.pk, service.pk)] = membership
                new_memberships.append(membership)
                row_changed = True
            elif membership.role != role:
                notices.append((service.pk, user, f"role changed from {membership.role} to {role}"))
                membership.role = role
                changed_memberships.append(membership)
                row_changed = True
        if username in fresh:
            new += 1
        elif row_changed:
            changed += 1
    Membership.objects.bulk_create(new_memberships)
    Membership.objects.bulk_update(changed_memberships, ["role"])
    # Bulk writes send no signals: the service's managers are told here
    # (after the commit; a dry run is rolled back and tells nobody).
    from security.staff import membership_change_queue

    notices += [(m.service_id, m.user, f"given the role {m.role}") for m in new_memberships]
    for service_id, user, change in notices:
        membership_change_queue(service_id=service_id, user_id=user.pk, change=change)
    return new, changed


def write_clients() -> tuple[int, int]:
    changed = execute(
        """
        UPDATE clients_client c SET initials = s.initials, date_of_birth = s.date_of_birth,
            sex_id = s.sex, ethnicity_id = s.ethnicity,
            preferred_name = coalesce(s.preferred_name, ''), updated_at = now()
        FROM stage_clients s WHERE c.reference = s.client_ref
          AND (c.initials, c.date_of_birth, c.sex_id, c.ethnicity_id, c.preferred_name)
              IS DISTINCT FROM
              (s.initials, s.date_of_birth, s.sex, s.ethnicity, coalesce(s.preferred_name, ''))
        """
    )
    new = insert_select(
        Client,
        {
            "reference": "s.client_ref",
            "initials": "s.initials",
            "date_of_birth": "s.date_of_birth",
            "sex_id": "s.sex",
            "ethnicity_id": "s.ethnicity",
            "preferred_name": "coalesce(s.preferred_name, '')",
        },
        """
        FROM stage_clients s
        WHERE NOT EXISTS (SELECT 1 FROM clients_client c WHERE c.reference = s.client_ref)
        ORDER BY s.line
        """,
    )
    return new, changed


def write_referrals() -> tuple[int, int]:
    changed = execute(
        """
        UPDATE clients_referral r SET service_id = sv.id, referral_date = s.referral_date,
            source_id = s.source, primary_substance_id = s.primary_substance
        FROM stage_referrals s JOIN services_service sv ON sv.code = s.service_code
        WHERE r.reference = s.referral_ref
          AND (r.service_id, r.referral_date, r.source_id, r.primary_substance_id)
              IS DISTINCT FROM (sv.id, s.referral_date, s.source, s.primary_substance)
        """
    )
    new = insert_select(
        Referral,
        {
            "reference": "s.referral_ref",
            "client_id": "c.id",
            "service_id": "sv.id",
            "referral_date": "s.referral_date",
            "source_id": "s.source",
            "primary_substance_id": "s.primary_substance",
        },
        """
        FROM stage_referrals s
        JOIN clients_client c ON c.reference = s.client_ref
        JOIN services_service sv ON sv.code = s.service_code
        WHERE NOT EXISTS (SELECT 1 FROM clients_referral r WHERE r.reference = s.referral_ref)
        ORDER BY s.line
        """,
    )
    return new, changed


def write_appointments() -> tuple[int, int]:
    execute(
        """
        CREATE TEMP TABLE s_appointments ON COMMIT DROP AS
        SELECT s.*, r.id AS referral_id, row_number() OVER (
            PARTITION BY s.referral_ref, s.appointment_date ORDER BY s.line) AS ord
        FROM stage_appointments s JOIN clients_referral r ON r.reference = s.referral_ref;
        ANALYZE s_appointments;
        CREATE TEMP TABLE m_appointments ON COMMIT DROP AS
        SELECT s.*, d.id AS match_id FROM s_appointments s LEFT JOIN (
            SELECT a.id, a.referral_id, a.appointment_date, row_number() OVER (
                PARTITION BY a.referral_id, a.appointment_date ORDER BY a.id) AS ord
            FROM clients_appointment a
            WHERE a.referral_id IN (SELECT DISTINCT referral_id FROM s_appointments)
        ) d USING (referral_id, appointment_date, ord);
        ANALYZE m_appointments;
        """
    )
    changed = execute(
        """
        UPDATE clients_appointment a SET offered_date = m.offered_date,
            attendance = coalesce(m.attendance, '')
        FROM m_appointments m WHERE a.id = m.match_id
          AND (a.offered_date, a.attendance)
              IS DISTINCT FROM (m.offered_date, coalesce(m.attendance, ''))
        """
    )
    new = insert_select(
        Appointment,
        {
            "referral_id": "m.referral_id",
            "offered_date": "m.offered_date",
            "appointment_date": "m.appointment_date",
            "attendance": "coalesce(m.attendance, '')",
        },
        "FROM m_appointments m WHERE m.match_id IS NULL ORDER BY m.line",
    )
    return new, changed


def write_episodes() -> tuple[int, int]:
    changed = execute(
        """
        UPDATE keywork_episode e SET tier = s.tier, start_date = s.start_date,
            keyworker_id = u.id, end_date = s.end_date,
            discharge_reason_id = s.discharge_reason, planned_days = s.planned_days
        FROM stage_episodes s JOIN services_user u ON u.username = s.keyworker
        WHERE e.reference = s.episode_ref
          AND (e.tier, e.start_date, e.keyworker_id, e.end_date, e.discharge_reason_id,
               e.planned_days)
              IS DISTINCT FROM (s.tier, s.start_date, u.id, s.end_date, s.discharge_reason,
                                s.planned_days)
        """
    )
    new = insert_select(
        Episode,
        {
            "reference": "s.episode_ref",
            "referral_id": "r.id",
            "tier": "s.tier",
            "start_date": "s.start_date",
            "keyworker_id": "u.id",
            "end_date": "s.end_date",
            "discharge_reason_id": "s.discharge_reason",
            "planned_days": "s.planned_days",
        },
        """
        FROM stage_episodes s
        JOIN clients_referral r ON r.reference = s.referral_ref
        JOIN services_user u ON u.username = s.keyworker
        WHERE NOT EXISTS (SELECT 1 FROM keywork_episode e WHERE e.reference = s.episode_ref)
        ORDER BY s.line
        """,
    )
    return new, changed


def write_contacts() -> tuple[int, int]:
    execute(
        """
        CREATE TEMP TABLE s_contacts ON COMMIT DROP AS
        SELECT s.*, e.id AS episode_id, row_number() OVER (
            PARTITION BY s.episode_ref, s.contact_date, s.contact_type ORDER BY s.line) AS ord
        FROM stage_contacts s JOIN keywork_episode e ON e.reference = s.episode_ref;
        ANALYZE s_contacts;
        """
    )
    # Ids for new contacts come from the sequence in line order (volatile
    # functions run after ORDER BY), so the interventions can be written
    # with them, and an export lists same-day contacts as they came.
    execute(
        """
        CREATE TEMP TABLE m_contacts ON COMMIT DROP AS
        SELECT q.*, CASE WHEN q.match_id IS NULL
            THEN nextval(pg_get_serial_sequence('keywork_contact', 'id')) END AS new_id
        FROM (
            SELECT s.line, s.episode_id, s.contact_date, s.contact_type, s.mode,
                s.duration_minutes, s.attendance,
                coalesce(s.interventions, '{}') AS interventions, d.id AS match_id,
                (d.mode, d.duration_minutes, d.attendance, d.interventions::text[])
                    IS DISTINCT FROM (s.mode, s.duration_minutes, s.attendance,
                                      coalesce(s.interventions, '{}')) AS differs,
                d.interventions::text[] IS DISTINCT FROM coalesce(s.interventions, '{}')
                    AS interventions_differ
            FROM s_contacts s LEFT JOIN (
                SELECT c.id, c.episode_id, c.contact_date, c.contact_type, c.mode,
                    c.duration_minutes, c.attendance,
                    ARRAY(SELECT ci.intervention_id FROM keywork_contactintervention ci
                          WHERE ci.contact_id = c.id ORDER BY 1) AS interventions,
                    row_number() OVER (
                        PARTITION BY c.episode_id, c.contact_date, c.contact_type
                        ORDER BY c.id) AS ord
                FROM keywork_contact c
                WHERE c.episode_id IN (SELECT DISTINCT episode_id FROM s_contacts)
            ) d USING (episode_id, contact_date, contact_type, ord)
        ) q
        ORDER BY q.line;
        ANALYZE m_contacts;
        """
    )
    new = insert_select(
        Contact,
        {
            "id": "m.new_id",
            "episode_id": "m.episode_id",
            "contact_date": "m.contact_date",
            "contact_type": "m.contact_type",
            "mode": "m.mode",
            "duration_minutes": "m.duration_minutes",
            "attendance": "m.attendance",
        },
        "FROM m_contacts m WHERE m.new_id IS NOT NULL ORDER BY m.new_id",
    )
    insert_select(
        ContactIntervention,
        {"contact_id": "q.contact_id", "intervention_id": "q.intervention_id"},
        """
        FROM (SELECT m.new_id AS contact_id, unnest(m.interventions) AS intervention_id
              FROM m_contacts m WHERE m.new_id IS NOT NULL) q
        """,
    )
    execute(
        """
        UPDATE keywork_contact c SET mode = m.mode, duration_minutes = m.duration_minutes,
            attendance = m.attendance
        FROM m_contacts m WHERE c.id = m.match_id AND m.differs
          AND (c.mode, c.duration_minutes, c.attendance)
              IS DISTINCT FROM (m.mode, m.duration_minutes, m.attendance)
        """
    )
    execute(
        """
        DELETE FROM keywork_contactintervention ci USING m_contacts m
        WHERE ci.contact_id = m.match_id AND m.interventions_differ
          AND NOT ci.intervention_id = ANY(m.interventions)
        """
    )
    insert_select(
        ContactIntervention,
        {"contact_id": "q.contact_id", "intervention_id": "q.intervention_id"},
        """
        FROM (SELECT m.match_id AS contact_id, unnest(m.interventions) AS intervention_id
              FROM m_contacts m WHERE m.match_id IS NOT NULL AND m.interventions_differ) q
        WHERE NOT EXISTS (SELECT 1 FROM keywork_contactintervention ci
                          WHERE ci.contact_id = q.contact_id
                            AND ci.intervention_id = q.intervention_id)
        ORDER BY q.contact_id, q.intervention_id
        """,
    )
    changed = fetch("SELECT count(*) FROM m_contacts WHERE match_id IS NOT NULL AND differs")[0][0]
    return new, changed


def write_outcomes() -> tuple[int, int]:
    # Cravings are not in the bundle: a new form has none, an update keeps them.
    changed = execute(
        """
        UPDATE outcomes_outcomeform f SET form_date = s.form_date, crack_days = s.crack_days,
            crack_spend_per_day = s.crack_spend_per_day, heroin_days = s.heroin_days,
            cocaine_days = s.cocaine_days, alcohol_days = s.alcohol_days,
            other_drug_days = s.other_drug_days, crime_involved = s.crime_involved,
            physical_health = s.physical_health,
            psychological_health = s.psychological_health,
            quality_of_life = s.quality_of_life
        FROM stage_outcomes s JOIN keywork_episode e ON e.reference = s.episode_ref
        WHERE f.episode_id = e.id AND f.timepoint = s.timepoint
          AND f.reported_by = s.reported_by
          AND (f.form_date, f.crack_days, f.crack_spend_per_day, f.heroin_days, f.cocaine_days,
               f.alcohol_days, f.other_drug_days, f.crime_involved, f.physical_health,
               f.psychological_health, f.quality_of_life)
              IS DISTINCT FROM
              (s.form_date, s.crack_days, s.crack_spend_per_day, s.heroin_days, s.cocaine_days,
               s.alcohol_days, s.other_drug_days, s.crime_involved, s.physical_health,
               s.psychological_health, s.quality_of_life)
        """
    )
    new = insert_select(
        OutcomeForm,
        {
            "episode_id": "e.id",
            "timepoint": "s.timepoint",
            "form_date": "s.form_date",
            "reported_by": "s.reported_by",
            "crack_days": "s.crack_days",
            "crack_spend_per_day": "s.crack_spend_per_day",
            "heroin_days": "s.heroin_days",
            "cocaine_days": "s.cocaine_days",
            "alcohol_days": "s.alcohol_days",
            "other_drug_days": "s.other_drug_days",
            "crime_involved": "s.crime_involved",
            "physical_health": "s.physical_health",
            "psychological_health": "s.psychological_health",
            "quality_of_life": "s.quality_of_life",
        },
        """
        FROM stage_outcomes s JOIN keywork_episode e ON e.reference = s.episode_ref
        WHERE NOT EXISTS (
            SELECT 1 FROM outcomes_outcomeform f WHERE f.episode_id = e.id
            AND f.timepoint = s.timepoint AND f.reported_by = s.reported_by)
        ORDER BY s.line
        """,
    )
    return new, changed


def refresh_followups(today) -> None:
    """Episodes written in bulk send no episode_started/ended signals, so
    their 30- and 90-day follow-up rows are brought up to date here, in the
    import's transaction, for every episode the bundle touched."""
    ids = [
        pk
        for (pk,) in fetch(
            """
            SELECT e.id FROM keywork_episode e
            WHERE e.reference IN (SELECT episode_ref FROM stage_episodes
                                  UNION SELECT episode_ref FROM stage_outcomes
                                  UNION SELECT episode_ref FROM stage_tops)
            ORDER BY e.id
            """
        )
    ]
    if ids:
        followups_sweep(as_of=today, episode_ids=ids)


WRITERS = [
    ("services.csv", write_services),
    ("staff.csv", write_staff),
    ("clients.csv", write_clients),
    ("referrals.csv", write_referrals),
    ("appointments.csv", write_appointments),
    ("episodes.csv", write_episodes),
    ("contacts.csv", write_contacts),
    ("outcomes.csv", write_outcomes),
    ("tops.csv", top_files.write_tops),
    ("client_reviews.csv", top_files.write_client_reviews),
]
# Contingency management: after the episodes its plans belong to.
from interchange.cm_writes import CM_WRITERS  # noqa: E402

WRITERS += CM_WRITERS
