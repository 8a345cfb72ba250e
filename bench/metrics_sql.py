"""The figures of `reporting.metrics.measures()` written by hand in SQL, the
way one would without the ORM: one statement per measure, joins and
GROUP BY rather than correlated subqueries, and the same statistics helpers
afterwards. The benchmarks time both and check that they agree."""

import datetime as dt

from django.db import connection

from reporting.metrics.stats import mcnemar_exact_p, t_interval, wilcoxon_p

FUNNEL = """
WITH r AS (
    SELECT r.id, r.referral_date,
           CASE WHEN e.start_date <= %(as_of)s THEN e.start_date END AS started_on
    FROM clients_referral r
    LEFT JOIN keywork_episode e ON e.referral_id = r.id
    WHERE r.service_id = ANY(%(services)s)
      AND r.referral_date BETWEEN %(start)s AND %(last)s
), a AS (
    SELECT a.referral_id,
           bool_or(a.offered_date <= %(as_of)s) AS offered,
           min(a.appointment_date) FILTER (
               WHERE a.attendance = 'attended' AND a.appointment_date <= %(as_of)s
           ) AS first_assessed
    FROM clients_appointment a JOIN r ON r.id = a.referral_id
    GROUP BY a.referral_id
)
SELECT count(*),
       count(*) FILTER (WHERE a.offered),
       count(a.first_assessed),
       count(r.started_on),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.first_assessed - r.referral_date),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.started_on - r.referral_date)
FROM r LEFT JOIN a ON a.referral_id = r.id
"""

RETENTION = """
WITH e AS (
    SELECT e.id, e.start_date,
           CASE WHEN e.end_date <= %(as_of)s THEN e.end_date END AS ended_on,
           coalesce(e.end_date <= %(as_of)s AND d.completed, false) AS completed
    FROM keywork_episode e
    JOIN clients_referral r ON r.id = e.referral_id
    LEFT JOIN keywork_dischargereason d ON d.code = e.discharge_reason_id
    WHERE r.service_id = ANY(%(services)s)
      AND e.start_date BETWEEN %(start)s AND %(last)s
), c AS (
    SELECT c.episode_id, count(*) AS attended
    FROM keywork_contact c JOIN e ON e.id = c.episode_id
    WHERE c.attendance = 'attended' AND c.contact_date <= %(as_of)s
    GROUP BY c.episode_id
)
SELECT count(*),
       count(*) FILTER (WHERE start_date <= %(as_of)s - 30),
       count(*) FILTER (WHERE start_date <= %(as_of)s - 30
                        AND (ended_on IS NULL OR ended_on - start_date >= 30 OR completed)),
       count(*) FILTER (WHERE start_date <= %(as_of)s - 90),
       count(*) FILTER (WHERE start_date <= %(as_of)s - 90
                        AND (ended_on IS NULL OR ended_on - start_date >= 90 OR completed)),
       count(*) FILTER (WHERE ended_on IS NOT NULL
                        AND (ended_on - start_date <= 7 OR coalesce(c.attended, 0) <= 1))
FROM e LEFT JOIN c ON c.episode_id = e.id
"""

INTENSITY = """
WITH k AS (
    SELECT c.episode_id, c.contact_date, c.duration_minutes,
           c.contact_date - e.start_date AS since,
           c.contact_date - lag(c.contact_date) OVER (
               PARTITION BY c.episode_id ORDER BY c.contact_date
           ) AS gap
    FROM keywork_contact c
    JOIN keywork_episode e ON e.id = c.episode_id
    JOIN clients_referral r ON r.id = e.referral_id
    WHERE r.service_id = ANY(%(services)s)
      AND e.start_date BETWEEN %(start)s AND %(last)s
      AND c.contact_type = 'keywork' AND c.attendance = 'attended'
      AND c.contact_date <= %(as_of)s
)
SELECT count(*), avg(gap),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_minutes),
       count(*) FILTER (WHERE since < 10),
       count(*) FILTER (WHERE since < 30)
FROM k
"""

OUTCOMES = """
WITH p AS (
    SELECT b.crack_days AS bd, f.crack_days AS fd,
           b.crack_days * coalesce(b.crack_spend_per_day, 0) AS bs,
           f.crack_days * coalesce(f.crack_spend_per_day, 0) AS fs,
           b.crime_involved AS bc, f.crime_involved AS fc
    FROM keywork_episode e
    JOIN clients_referral r ON r.id = e.referral_id
    JOIN outcomes_outcomeform b ON b.episode_id = e.id AND b.timepoint = 'baseline'
         AND b.reported_by = 'keyworker' AND b.form_date <= %(as_of)s
    JOIN outcomes_outcomeform f ON f.episode_id = e.id AND f.timepoint = %(follow_up)s
         AND f.reported_by = 'keyworker' AND f.form_date <= %(as_of)s
    WHERE r.service_id = ANY(%(services)s)
      AND e.start_date BETWEEN %(start)s AND %(last)s
)
SELECT count(*), avg(bd), avg(fd), avg(fd - bd), stddev_samp(fd - bd), avg(bs), avg(fs),
       count(*) FILTER (WHERE bd = 0), count(*) FILTER (WHERE fd = 0),
       count(*) FILTER (WHERE bd > 0 AND fd = 0), count(*) FILTER (WHERE bd = 0 AND fd > 0),
       count(*) FILTER (WHERE bc), count(*) FILTER (WHERE fc),
       (SELECT json_object_agg(d, n) FROM (
           SELECT fd - bd AS d, count(*) AS n FROM p GROUP BY 1) h)
FROM p
"""


def _f(x):
    return None if x is None else float(x)


def measures_sql(services: list[int], start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    params = {"services": services, "start": start, "last": min(end, as_of), "as_of": as_of}
    with connection.cursor() as cur:
        cur.execute(FUNNEL, params)
        referred, offered, assessed, started, med_a, med_t = cur.fetchone()
        cur.execute(RETENTION, params)
        episodes, e30, r30, e90, r90, early = cur.fetchone()
        cur.execute(INTENSITY, params)
        contacts, gap, minutes, first10, first30 = cur.fetchone()
        outcomes = {}
        for follow_up in ("day30", "day90"):
            cur.execute(OUTCOMES, params | {"follow_up": follow_up})
            row = cur.fetchone()
            n = row[0]
            if not n:
                outcomes[follow_up] = {"n_pairs": 0}
                continue
            hist = {float(k): v for k, v in (row[13] or {}).items()}
            mean, sd = _f(row[3]), _f(row[4])
            outcomes[follow_up] = {
                "n_pairs": n,
                "baseline_mean_crack_days": _f(row[1]),
                "followup_mean_crack_days": _f(row[2]),
                "mean_difference": mean,
                "ci95": t_interval(n, mean, sd),
                "wilcoxon_p": wilcoxon_p(hist),
                "baseline_mean_monthly_spend": _f(row[5]),
                "followup_mean_monthly_spend": _f(row[6]),
                "baseline_abstinent": row[7],
                "followup_abstinent": row[8],
                "mcnemar_p": mcnemar_exact_p(row[9], row[10]),
                "baseline_crime": row[11],
                "followup_crime": row[12],
            }
    return {
        "funnel": {
            "referred": referred,
            "assessment_offered": offered,
            "assessed": assessed,
            "started": started,
            "median_days_to_assessment": _f(med_a),
            "median_days_to_treatment": _f(med_t),
        },
        "retention": {
            "episodes": episodes,
            "eligible_30": e30,
            "retained_30": r30,
            "eligible_90": e90,
            "retained_90": r90,
            "early_exit": early,
        },
        "intensity": {
            "contacts": contacts,
            "mean_contact_interval_days": _f(gap),
            "median_contact_minutes": _f(minutes),
            "share_first_10_days": first10 / contacts if contacts else None,
            "share_first_30_days": first30 / contacts if contacts else None,
        },
        "outcomes": outcomes,
    }
