"""Joining a project by SMS: PROJECTS lists the open projects of the person's municipality
that still have places, numbered, a few per SMS (MORE: the next ones); a number asks to
join through the web's own operation (`request_to_join`: staff review, waiting list,
minors, asking twice). Digits of any script count (normalize: ٣, ۳, ৩ are 3).

A request staff have not accepted is never a shift: the reply says so, and NEXT says the
request is waiting. The list stands until the person picks, for a day (the
conversation's timeout), or until we ask them a question after it: a 1 or 2 then
answers that question. Flushes; the caller commits.
"""

from datetime import datetime

from sqlalchemy import func

from civic_app.conversation.keywords import normalize
from civic_app.conversation.questions import open_questions
from civic_app.conversation.states import State
from civic_app.core.errors import DomainError
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.enrolments import REOPENABLE, request_to_join
from civic_app.projects.models import (
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectStatus,
)
from civic_app.sms.costs import budget
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import GSM_LANGUAGES, fold_to_gsm7, render_sms

#: At most this many projects per SMS; fewer when long titles would pass the budget.
PAGE_MAX = 5
#: At most this many projects listed in all (MORE pages through them).
LISTED_MAX = 20
#: A title is cut to this in a list.
TITLE_CHARS = 32


def _open_projects(user, now: datetime) -> list[int]:
    """Ids of the published projects of the person's municipality, not ended, with a place
    left, that they are not in already: earliest first."""
    taken = (
        db.select(func.count(Enrolment.id))
        .where(Enrolment.project_id == Project.id, Enrolment.status.in_(HOLDS_A_PLACE))
        .correlate(Project)
        .scalar_subquery()
    )
    mine = db.select(Enrolment.project_id).where(
        Enrolment.participant_id == user.id, Enrolment.status.not_in(REOPENABLE)
    )
    return list(
        db.session.scalars(
            db.select(Project.id)
            .where(
                Project.municipality_id == user.municipality_id,
                Project.status == ProjectStatus.PUBLISHED,
                Project.end_date >= to_local(now).date(),
                Project.capacity > taken,
                Project.id.not_in(mine),
            )
            .order_by(Project.start_date, Project.id)
            .limit(LISTED_MAX)
        )
    )


def list_projects(conversation, inbound, user, language: str, now, reply, *, more=False) -> None:
    """PROJECTS (the first page) or MORE (the next one; after the last, the first again)."""
    data = dict(conversation.data or {}) if conversation.state == State.PICK_PROJECT else {}
    ids = data.get("ids")
    if not more or not ids:
        ids = _open_projects(user, now)
        data = {"ids": ids, "shown": 0}
    if not ids:
        conversation.state, conversation.data = State.IDLE, {}
        reply("projects_none", municipality=user.municipality.name_in(language))
        return
    start = data["shown"] if data["shown"] < len(ids) else 0
    projects = {p.id: p for p in db.session.scalars(db.select(Project).where(Project.id.in_(ids)))}
    lines: list[str] = []
    template, values = "projects_list_end", {}
    for position in range(start, min(start + PAGE_MAX, len(ids))):
        title = projects[ids[position]].text(language)[0]
        title = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 3] + "..."
        title = fold_to_gsm7(title) if language in GSM_LANGUAGES else title
        candidate = [*lines, f"{position + 1} {title}"]
        name = "projects_list" if position + 1 < len(ids) else "projects_list_end"
        attempt = {"municipality": user.municipality.name_in(language),
                   "projects": "; ".join(candidate)}  # fmt: skip
        fits = count_segments(render_sms(name, language, **attempt)).segments <= budget(
            name, language
        )
        if lines and not fits:
            break
        lines, template, values = candidate, name, attempt
    data["shown"] = start + len(lines)
    # A question asked after this list is answered by 1/2, not the list (see `pick`).
    data["after"] = inbound.id
    conversation.state, conversation.data = State.PICK_PROJECT, data
    reply(template, **values)


def _asked_since(phone: str, message_id: int, now) -> bool:
    """Whether a question still open (a reminder, an offer) was asked after the list."""
    from civic_app.sms.models import Direction, Message

    for question in open_questions(phone, now):
        if db.session.scalar(
            db.select(Message.id).where(
                Message.phone == phone,
                Message.direction == Direction.OUT,
                Message.question == question.kind,
                Message.subject_id == question.subject_id,
                Message.id > message_id,
            )
        ):
            return True
    return False


def pick(conversation, inbound, user, language: str, now, reply) -> bool:
    """A number after the list: ask to join that project. False when the message is not
    a number, or a question asked since then is what a 1/2 answers."""
    choice = normalize(inbound.body)
    if not choice.isdigit():
        return False
    data = dict(conversation.data or {})
    if _asked_since(inbound.phone, data.get("after") or 0, now):
        conversation.state, conversation.data = State.IDLE, {}
        return False
    ids, shown = data.get("ids") or [], data.get("shown") or 0
    number = int(choice)
    if not 1 <= number <= shown:
        reply("projects_pick_range", last=str(shown))
        return True
    conversation.state, conversation.data = State.IDLE, {}
    join_project(db.session.get(Project, ids[number - 1]), user, language, now, reply)
    return True


def join_project(project: Project, user, language: str, now, reply) -> None:
    """Ask for a place as the web's button does, and say what happened."""
    from civic_app.core.audit import record
    from civic_app.core.consent import needs_guardian_consent

    title = project.text(language)[0][:40]
    before = db.session.scalar(
        db.select(Enrolment).where(
            Enrolment.project_id == project.id, Enrolment.participant_id == user.id
        )
    )
    if before is not None and before.status not in REOPENABLE:
        reply("project_already", project=title)
        return
    if needs_guardian_consent(user, to_local(now).year):
        reply("project_minor")
        return
    try:
        with db.session.begin_nested():
            enrolment = request_to_join(project, user, now)
    except DomainError:
        reply("project_closed", project=title)
        return
    record("enrolment.requested", enrolment, actor=user,
           details={"status": str(enrolment.status), "via": "sms"})  # fmt: skip
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        reply("enrolment_waitlisted", project=title)
    else:
        reply("project_applied", project=title)


def waiting_request(user) -> tuple[str, Project] | None:
    """(template, project) for NEXT when the person has no shift but a request: waiting
    for staff, or on the waiting list (the latest request)."""
    enrolment = db.session.scalar(
        db.select(Enrolment)
        .where(
            Enrolment.participant_id == user.id,
            Enrolment.status.in_((EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED)),
        )
        .order_by(Enrolment.requested_at.desc(), Enrolment.id.desc())
        .limit(1)
    )
    if enrolment is None:
        return None
    template = "next_waiting" if enrolment.status == EnrolmentStatus.APPLIED else "next_waitlisted"
    return template, enrolment.project
