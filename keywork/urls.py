from django.urls import path

from keywork.views import caseload, episodes, record

app_name = "keywork"

urlpatterns = [
    # The client pathway.
    path("caseload/", caseload.caseload, name="caseload"),
    path("waiting-list/", caseload.waiting_list, name="waiting_list"),
    path("clients/<uuid:key>/", record.client_record, name="record"),
    path("referrals/<int:pk>/start/", episodes.episode_start, name="episode_start"),
    path("episodes/<int:pk>/discharge/", episodes.episode_discharge, name="episode_discharge"),
    path("episodes/<int:pk>/reassign/", episodes.episode_reassign, name="episode_reassign"),
]

# Keywork in the browser: contacts, appointments, care plans,
# groups and the day programme, drop-in, my week.
from keywork.views import careplans, contacts, dropin, groups, week  # noqa: E402

urlpatterns += [
    path("episodes/<int:episode_id>/contacts/", contacts.episode_contacts, name="episode_contacts"),
    path("episodes/<int:episode_id>/contacts/new/", contacts.contact_new, name="contact_new"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", contacts.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", contacts.contact_delete, name="contact_delete"),
    path(
        "episodes/<int:episode_id>/appointments/new/",
        contacts.appointment_new,
        name="appointment_new",
    ),
    path(
        "keywork-appointments/<int:pk>/absence/",
        contacts.appointment_absence,
        name="appointment_absence",
    ),
    path(
        "keywork-appointments/<int:pk>/delete/",
        contacts.appointment_delete,
        name="appointment_delete",
    ),
    path("episodes/<int:episode_id>/care-plan/", careplans.care_plan, name="care_plan"),
    path("goals/<int:pk>/review/", careplans.goal_review, name="goal_review"),
    path("goals/<int:pk>/edit/", careplans.goal_edit, name="goal_edit"),
    path("groups/", groups.group_sessions, name="group_sessions"),
    path("groups/<int:pk>/", groups.group_session, name="group_session"),
    path("groups/<int:pk>/register/", groups.group_register, name="group_register"),
    path("groups/<int:pk>/enrol/", groups.group_enrol, name="group_enrol"),
    path("group-enrolments/<int:pk>/remove/", groups.group_unenrol, name="group_unenrol"),
    path("drop-in/", dropin.drop_in_sessions, name="drop_in_sessions"),
    path("drop-in/<int:pk>/", dropin.drop_in_session, name="drop_in_session"),
    path("drop-in/<int:pk>/count/", dropin.drop_in_count, name="drop_in_count"),
    path("drop-in/<int:pk>/find/", dropin.drop_in_find, name="drop_in_find"),
    path("drop-in/<int:pk>/attend/", dropin.drop_in_attend, name="drop_in_attend"),
    path(
        "drop-in-attendances/<int:pk>/remove/",
        dropin.drop_in_attendance_remove,
        name="drop_in_attendance_remove",
    ),
    path("week/", week.week, name="week"),
]
