"""The authorisation matrix: every URL of the project and who may use it.

tests/security/test_url_matrix.py walks every URL pattern (Django's
resolver) and fails when one has no row here, then asks for each URL as
each persona and checks the answer against the row:

- a persona in `may` gets a real answer (200, a redirect that is not to the
  sign-in page, a 4xx for an empty form), never 403/404 or the sign-in page;
- any other signed-in persona gets 403 or 404 (the admin site: its own
  refusal, a redirect to its login);
- anonymous visitors are sent to sign in, unless the row is `public`.

Objects named in `args` come from tests/security/world.py: the ones of
service A (alice's and bob's), so charlie (service B) must be refused.

Adding a URL? Add its row here, in the section of its app.
"""

from dataclasses import dataclass, field

# The personas (tests/conftest.py).
ANON = "anonymous"
KEYWORKER_A = "alice"  # keyworker, service A
KEYWORKER_B = "charlie"  # keyworker, service B
MANAGER_A = "bob"  # service manager, service A
COMMISSIONER = "dora"  # commissioner of A and B
ADMIN = "admin"  # administrator (superuser)

SIGNED_IN = frozenset({KEYWORKER_A, KEYWORKER_B, MANAGER_A, COMMISSIONER, ADMIN})
CLINICAL = frozenset({KEYWORKER_A, KEYWORKER_B, MANAGER_A})  # work with clients somewhere
SERVICE_A = frozenset({KEYWORKER_A, MANAGER_A})  # clinical staff of the object's service
MANAGER_ONLY = frozenset({MANAGER_A})
NOBODY: frozenset = frozenset()


@dataclass(frozen=True)
class Row:
    may: frozenset
    method: str = "get"
    args: dict = field(default_factory=dict)  # URL kwarg -> path in the world ("episode.pk")
    query: str = ""
    public: bool = False  # open without signing in
    signs_out: bool = False  # everyone ends on the sign-in page (logout)
    harmless: bool = False  # any answer but a server error (nothing to see or change)
    note: str = ""

    @property
    def objects(self) -> set[str]:
        """World objects this URL names (for the cross-service test)."""
        return {path.partition(".")[0] for path in self.args.values() if not path.startswith("=")}


GET, POST = "get", "post"

MATRIX: dict[str, Row] = {
    # --- project ------------------------------------------------------------
    "home": Row(SIGNED_IN, note="each role its own home page"),
    "healthz": Row(SIGNED_IN, public=True, note="load balancer health check, no data"),
    "login": Row(SIGNED_IN, public=True, note="signed-in users are sent home"),
    "logout": Row(SIGNED_IN, method=POST, signs_out=True),
    "admin_login": Row(SIGNED_IN, signs_out=True, note="forwards to the one sign-in page"),
    # --- sign-in, second factor, sessions: everyone their own -----------------
    "security:account": Row(SIGNED_IN),
    "security:verify": Row(SIGNED_IN),
    "security:mfa_setup": Row(SIGNED_IN),
    "security:recovery_codes": Row(SIGNED_IN, method=POST),
    "security:session_end": Row(SIGNED_IN, method=POST),
    "security:password_change": Row(SIGNED_IN),
    "security:set_up": Row(
        SIGNED_IN,
        public=True,
        args={"uidb64": "=MQ", "token": "=no-such-token"},
        note="a set-up link: an invalid one says so",
    ),
    # --- clients (H1) -----------------------------------------------------------
    "clients:referral_new": Row(CLINICAL),
    "clients:referral_matches": Row(CLINICAL, method=POST),
    "clients:search": Row(CLINICAL, note="terms in the POST body"),
    "clients:appointment_new": Row(SERVICE_A, args={"pk": "referral.pk"}),
    "clients:appointment_attendance": Row(SERVICE_A, args={"pk": "appointment.pk"}),
    # --- access audit (H6) --------------------------------------------------------
    "audit:client_access": Row(MANAGER_ONLY, args={"key": "client.key"}),
    "audit:subject_access": Row(MANAGER_ONLY, args={"key": "client.key"}),
    "audit:break_glass": Row(CLINICAL, note="opens other services' clients with a reason"),
    "audit:break_glass_log": Row(MANAGER_ONLY),
    # --- keywork (H1, H5) ---------------------------------------------------------
    "keywork:caseload": Row(CLINICAL),
    "keywork:waiting_list": Row(CLINICAL),
    "keywork:week": Row(CLINICAL),
    "keywork:record": Row(SERVICE_A, args={"key": "client.key"}),
    "keywork:episode_start": Row(SERVICE_A, args={"pk": "open_referral.pk"}),
    "keywork:episode_discharge": Row(SERVICE_A, args={"pk": "episode.pk"}),
    "keywork:episode_reassign": Row(MANAGER_ONLY, args={"pk": "episode.pk"}),
    "keywork:episode_contacts": Row(SERVICE_A, args={"episode_id": "episode.pk"}),
    "keywork:contact_new": Row(SERVICE_A, args={"episode_id": "episode.pk"}),
    "keywork:contact_detail": Row(SERVICE_A, args={"pk": "contact.pk"}),
    "keywork:contact_edit": Row(SERVICE_A, args={"pk": "contact.pk"}),
    "keywork:contact_delete": Row(SERVICE_A, args={"pk": "contact.pk"}),
    "keywork:appointment_new": Row(SERVICE_A, args={"episode_id": "episode.pk"}),
    "keywork:appointment_absence": Row(
        SERVICE_A, method=POST, args={"pk": "keywork_appointment.pk"}
    ),
    "keywork:appointment_delete": Row(
        SERVICE_A, method=POST, args={"pk": "keywork_appointment.pk"}
    ),
    "keywork:care_plan": Row(SERVICE_A, args={"episode_id": "episode.pk"}),
    "keywork:goal_review": Row(SERVICE_A, args={"pk": "goal.pk"}),
    "keywork:goal_edit": Row(SERVICE_A, args={"pk": "goal.pk"}),
    "keywork:group_sessions": Row(CLINICAL),
    "keywork:group_session": Row(SERVICE_A, args={"pk": "group_session.pk"}),
    "keywork:group_register": Row(SERVICE_A, method=POST, args={"pk": "group_session.pk"}),
    "keywork:group_enrol": Row(SERVICE_A, method=POST, args={"pk": "group_session.pk"}),
    "keywork:group_unenrol": Row(SERVICE_A, method=POST, args={"pk": "group_enrolment.pk"}),
    "keywork:drop_in_sessions": Row(CLINICAL),
    "keywork:drop_in_session": Row(SERVICE_A, args={"pk": "drop_in_session.pk"}),
    "keywork:drop_in_count": Row(SERVICE_A, method=POST, args={"pk": "drop_in_session.pk"}),
    "keywork:drop_in_find": Row(SERVICE_A, method=POST, args={"pk": "drop_in_session.pk"}),
    "keywork:drop_in_attend": Row(SERVICE_A, method=POST, args={"pk": "drop_in_session.pk"}),
    "keywork:drop_in_attendance_remove": Row(
        SERVICE_A, method=POST, args={"pk": "drop_in_attendance.pk"}
    ),
    # --- outcomes (H4) -------------------------------------------------------------
    "outcomes:episode": Row(SERVICE_A, args={"episode_pk": "episode.pk"}),
    "outcomes:form_create": Row(SERVICE_A, args={"episode_pk": "episode.pk"}),
    "outcomes:form_edit": Row(SERVICE_A, args={"pk": "outcome_form.pk"}),
    "outcomes:top_create": Row(SERVICE_A, args={"episode_pk": "episode.pk"}),
    "outcomes:top_edit": Row(SERVICE_A, args={"pk": "top.pk"}),
    "outcomes:top_delete": Row(SERVICE_A, method=POST, args={"pk": "top.pk"}),
    "outcomes:client_review_create": Row(SERVICE_A, args={"episode_pk": "episode.pk"}),
    "outcomes:notifications": Row(CLINICAL, note="one's own follow-ups and notifications"),
    "outcomes:overdue": Row(MANAGER_ONLY),
    # --- contingency management ---------------------------------------------------
    "contingency:plan_start": Row(SERVICE_A, args={"episode_pk": "episode.pk"}),
    "contingency:plan": Row(SERVICE_A, args={"pk": "cm_plan.pk"}),
    "contingency:plan_schedule": Row(SERVICE_A, method=POST, args={"pk": "cm_plan.pk"}),
    "contingency:plan_close": Row(SERVICE_A, method=POST, args={"pk": "cm_plan.pk"}),
    "contingency:vouchers": Row(SERVICE_A, args={"pk": "cm_plan.pk"}),
    "contingency:test_record": Row(SERVICE_A, args={"pk": "drug_test.pk"}),
    "contingency:test_move": Row(SERVICE_A, args={"pk": "drug_test.pk"}),
    "contingency:today": Row(CLINICAL, note="today's tests in one's own services"),
    # --- dashboards (H2): managers of the service; administrators see figures -----
    "dashboards:index": Row(SIGNED_IN, note="lists the dashboards one may open"),
    "dashboards:service": Row(MANAGER_ONLY | {ADMIN}, args={"code": "service.code"}),
    "dashboards:snapshot_refresh": Row(
        MANAGER_ONLY | {ADMIN}, method=POST, args={"code": "service.code"}
    ),
    "dashboards:snapshot_status": Row(
        MANAGER_ONLY | {ADMIN},
        args={"code": "service.code"},
        query="quarter=2026Q3&as_of=2026-10-31",
        note="the world's snapshot",
    ),
    "dashboards:compare": Row(MANAGER_ONLY | {ADMIN}, args={"code": "service.code"}),
    "dashboards:caseload": Row(
        MANAGER_ONLY | {ADMIN},
        args={"code": "service.code"},
        note="administrators get keyworker counts, no client rows",
    ),
    "dashboards:records": Row(
        MANAGER_ONLY,
        args={"code": "service.code"},
        query="measure=caseload:open",
        note="the client rows behind a count",
    ),
    # --- commissioner returns and extracts (H7) -----------------------------------
    "returns:index": Row(frozenset({COMMISSIONER})),
    "returns:detail": Row(frozenset({COMMISSIONER}), args={"pk": "quarterly_return.pk"}),
    "returns:download": Row(
        frozenset({COMMISSIONER}), args={"pk": "quarterly_return.pk", "fmt": "=csv"}
    ),
    "returns:extract": Row(MANAGER_ONLY, note="the NDTMS monthly extracts"),
    "returns:extract_detail": Row(
        MANAGER_ONLY, args={"pk": "ndtms_extract.pk"}, note="an extract's data-quality report"
    ),
    "returns:extract_download": Row(MANAGER_ONLY, args={"pk": "ndtms_extract.pk"}),
    # --- imports (H3): managers for their services, administrators for any ----------
    "interchange:index": Row(MANAGER_ONLY | {ADMIN}),
    "interchange:detail": Row(
        MANAGER_ONLY, args={"pk": "import_job.pk"}, note="an upload is its uploader's alone"
    ),
    "interchange:confirm": Row(MANAGER_ONLY, method=POST, args={"pk": "import_job.pk"}),
    "interchange:problems": Row(MANAGER_ONLY, args={"pk": "import_job.pk"}),
}

# The admin site (administrators only) is one rule: every ModelAdmin adds
# the same URLs, all behind the admin's staff check.
ADMIN_SITE = Row(frozenset({ADMIN}))
# "@admin": the administrator persona's own id (a user that exists).
ADMIN_ARGS = {"object_id": "=1", "id": "@admin", "app_label": "=services", "content_type_id": "=1"}
ADMIN_EXCEPTIONS: dict[str, Row] = {
    "admin:login": Row(SIGNED_IN, signs_out=True, note="shadowed by admin_login"),
    "admin:logout": Row(SIGNED_IN, method=POST, harmless=True, note="signs the user out"),
    "admin:autocomplete": Row(NOBODY, note="needs the admin's own parameters"),
    # django-axes records attempts itself: nobody adds them by hand.
    "admin:axes_accessattempt_add": Row(NOBODY),
    "admin:axes_accesslog_add": Row(NOBODY),
    "admin:axes_accessfailurelog_add": Row(NOBODY),
    "admin:reporting_coredatasetversion_add": Row(NOBODY, note="versions come from packs"),
    "admin:view_on_site": Row(NOBODY, args={"content_type_id": "=1", "object_id": "=1"}),
}


# Django's admin has two unnamed routes: the old object URL (redirects to
# the change page) and the catch-all that answers 404 to everyone.
ADMIN_CATCH_ALL = "admin/(?P<url>.*)$"
ADMIN_UNNAMED: dict[str, Row] = {ADMIN_CATCH_ALL: Row(NOBODY, args={"url": "=no-such-page/"})}


# Cells where the answer today is wrong, with who must fix it. The matrix
# test expects these to fail (strict xfail): when one is fixed, the test
# says so and the line comes out.
KNOWN_DEFECTS: dict[str, str] = {}


def row_for(name: str) -> Row | None:
    if name in MATRIX:
        return MATRIX[name]
    if name in ADMIN_EXCEPTIONS:
        return ADMIN_EXCEPTIONS[name]
    if name in ADMIN_UNNAMED:
        return ADMIN_UNNAMED[name]
    if name.startswith(("admin:", "admin/")):
        return ADMIN_SITE
    return None
