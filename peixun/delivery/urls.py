from django.urls import path

from peixun.delivery.views import attendance, coursework, lessons, my

app_name = "delivery"
urlpatterns = [
    path("", my.my, name="my"),
    path("check-in/", my.checkin, name="checkin"),
    path("check-in/<int:pk>/<str:token>/", my.checkin_qr, name="checkin-qr"),
    path("tutoring/", my.tutoring, name="tutoring"),
    path("projects/<int:pk>/mine/", my.my_project, name="my-project"),
    path("projects/<int:pk>/lessons/", lessons.lessons, name="lessons"),
    path("projects/<int:pk>/calendar/", lessons.lesson_calendar, name="calendar"),
    path("projects/<int:pk>/lessons/new/", lessons.lesson_create, name="lesson-create"),
    path("projects/<int:pk>/assess/", lessons.assess, name="assess"),
    path("projects/<int:pk>/settings/", lessons.delivery_settings, name="settings"),
    path("projects/<int:pk>/attendance/", attendance.attendance, name="attendance"),
    path("projects/<int:pk>/attendance.xlsx", attendance.attendance_export, name="attendance-export"),
    path("projects/<int:pk>/leave/", attendance.leave_create, name="leave-create"),
    path("projects/<int:pk>/coursework/", coursework.assignments, name="assignments"),
    path("projects/<int:pk>/coursework/new/", coursework.assignment_create, name="assignment-create"),
    path("projects/<int:pk>/coursework.xlsx", coursework.completeness_export, name="completeness-export"),
    path("projects/<int:pk>/outside/", coursework.outside_results, name="outside"),
    path("lessons/<int:pk>/", lessons.lesson_detail, name="lesson"),
    path("lessons/<int:pk>/edit/", lessons.lesson_edit, name="lesson-edit"),
    path("lessons/<int:pk>/cancel/", lessons.lesson_cancel, name="lesson-cancel"),
    path("lessons/<int:pk>/close/", lessons.lesson_close, name="lesson-close"),
    path("lessons/<int:pk>/code/", lessons.lesson_code, name="lesson-code"),
    path("lessons/<int:pk>/mark/<int:enrolment_pk>/", lessons.lesson_mark, name="lesson-mark"),
    path("leave/<int:pk>/", attendance.leave_detail, name="leave"),
    path("leave/<int:pk>/decide/", attendance.leave_decide, name="leave-decide"),
    path("leave/<int:pk>/withdraw/", attendance.leave_withdraw, name="leave-withdraw"),
    path("coursework/<int:pk>/", coursework.assignment_detail, name="assignment"),
    path("coursework/<int:pk>/edit/", coursework.assignment_edit, name="assignment-edit"),
    path("coursework/<int:pk>/submit/", coursework.submit, name="submit"),
    path("submissions/<int:pk>/", coursework.submission_detail, name="submission"),
    path("submissions/<int:pk>/grade/", coursework.grade, name="grade"),
    path("files/<int:pk>/", coursework.submission_file, name="file"),
]
