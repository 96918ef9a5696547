"""Who a community event is for: its audience as a query of people."""

from sqlalchemy import and_, false, or_

from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent
from civic_app.extensions import db
from civic_app.projects.models import Enrolment, EnrolmentStatus


def invited_query(event):
    """The participants an event (or series) is for."""
    query = db.select(User).where(
        User.role == Role.PARTICIPANT,
        User.municipality_id == event.municipality_id,
        User.is_active_account.is_(True),
    )
    if event.audience == Audience.PROJECTS:
        query = query.where(
            User.id.in_(
                db.select(Enrolment.participant_id).where(
                    Enrolment.project_id.in_(event.audience_projects or []),
                    Enrolment.status == EnrolmentStatus.ACCEPTED,
                )
            )
        )
    elif event.audience == Audience.LANGUAGE:
        query = query.where(User.preferred_language == event.audience_language)
    return query


def invited_events(events, user):
    """`events` (a select of CommunityEvent) narrowed, in SQL, to those `user` is invited
    to (as `invited_query` says), so that the list can be paged by the database.

    The project ids of an audience are a JSON list, read in Python: two queries whatever
    the number of events (the person's accepted projects, then the ids and project lists
    of the project events among `events`).
    """
    if user.role != Role.PARTICIPANT or not user.is_active_account:
        return events.where(false())
    accepted = set(
        db.session.scalars(
            db.select(Enrolment.project_id).where(
                Enrolment.participant_id == user.id,
                Enrolment.status == EnrolmentStatus.ACCEPTED,
            )
        )
    )
    by_project = [
        event_id
        for event_id, projects in db.session.execute(
            events.with_only_columns(CommunityEvent.id, CommunityEvent.audience_projects).where(
                CommunityEvent.audience == Audience.PROJECTS
            )
        )
        if accepted & set(projects or [])
    ]
    return events.where(
        CommunityEvent.municipality_id == user.municipality_id,
        or_(
            CommunityEvent.audience.in_((Audience.ALL, Audience.PUBLIC)),
            and_(
                CommunityEvent.audience == Audience.LANGUAGE,
                CommunityEvent.audience_language == user.preferred_language,
            ),
            CommunityEvent.id.in_(by_project),
        ),
    )


def is_invited(event, user) -> bool:
    return (
        db.session.scalar(invited_query(event).where(User.id == user.id).with_only_columns(User.id))
        is not None
    )
