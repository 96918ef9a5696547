"""iCalendar (RFC 5545) feeds of sessions, for phone calendars to subscribe to."""

from datetime import datetime

from icalendar import Calendar, Event

from civic_app.projects.models import ProjectSession, SessionStatus

PRODID = "-//civic_app//sessions//IT"


def session_uid(session: ProjectSession) -> str:
    return f"{session.uid}@civic-app"


def build_feed(
    name: str, sessions: list[ProjectSession], now: datetime, language: str, tentative=frozenset()
) -> bytes:
    """A calendar with one VEVENT per session; cancelled ones stay, as STATUS:CANCELLED.

    `tentative` holds project ids whose place is not confirmed yet.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    for session in sessions:
        project = session.project
        title, description = project.text(language)
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", now)
        event.add("last-modified", session.updated_at or now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("sequence", session.sequence)
        event.add("summary", title)
        place = session.venue.address if session.venue else project.place
        if place:
            event.add("location", place)
        details = [description]
        if project.meeting_point:
            details.append(project.meeting_point)
        if project.what_to_bring:
            details.append(project.what_to_bring)
        if session.note:
            details.append(session.note)
        event.add("description", "\n\n".join(d for d in details if d))
        if session.status == SessionStatus.CANCELLED:
            event.add("status", "CANCELLED")
        elif project.id in tentative:
            event.add("status", "TENTATIVE")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
