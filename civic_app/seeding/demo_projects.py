"""Demo projects for `flask seed demo`: venues, projects and sessions from today on."""

from datetime import datetime, time, timedelta

from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.models import Project, ProjectStatus, Sector
from civic_app.projects.operations import (
    add_schedule,
    build_rrule,
    change_status,
    save_project,
    share_as_template,
)
from civic_app.projects.venues import save_venue

#: municipality slug, venue (name, address, lat, lon), projects
DEMO = {
    "roma": (
        ("Parco della Caffarella", "Via della Caffarella, Roma", 41.8653, 12.5161),
        [
            dict(
                title="Cura del parco della Caffarella",
                description="Puliamo i sentieri, curiamo le aiuole e impariamo a "
                "riconoscere le piante del parco, insieme ai volontari del quartiere.",
                sector=Sector.GREEN,
                languages=["it", "fr", "ar"],
                what_to_bring="Scarpe comode e una bottiglia d'acqua. "
                "Guanti e attrezzi li diamo noi.",
                meeting_point="Ingresso di Largo Tacchi Venturi",
                translations={
                    "en": {
                        "title": "Caring for the Caffarella park",
                        "description": "We clean the paths and look after the flower beds.",
                        "what_to_bring": "Comfortable shoes and a bottle of water. "
                        "We give you gloves and tools.",
                    },
                    "fr": {
                        "title": "Entretien du parc de la Caffarella",
                        "description": "Nous nettoyons les sentiers et les massifs du parc.",
                        "what_to_bring": "Des chaussures confortables et une bouteille d'eau. "
                        "Nous fournissons les gants et les outils.",
                    },
                    "ar": {
                        "title": "العناية بحديقة كافاريلا",
                        "description": "ننظف الممرات ونعتني بأحواض الزهور في الحديقة.",
                        "what_to_bring": "حذاء مريح وزجاجة ماء. نعطيك القفازات والأدوات.",
                    },
                },
                weekdays=[1, 3],
                start=time(9),
                minutes=180,
            ),
            dict(
                title="Compagnia agli anziani del centro diurno",
                description="Letture, giochi e passeggiate con gli ospiti del centro diurno.",
                sector=Sector.CARE,
                languages=["it", "en"],
                what_to_bring="Niente: basta la voglia di chiacchierare.",
                weekdays=[4],
                start=time(15),
                minutes=120,
                capacity=6,
            ),
        ],
    ),
    "milano": (
        ("Parco Trotter", "Via Giacosa 46, Milano", 45.4976, 9.2206),
        [
            dict(
                title="Sentinelle del quartiere",
                description="Segnaliamo buche, rifiuti e pericoli lungo le strade del "
                "quartiere, con una mappa condivisa insieme alla Polizia Locale.",
                sector=Sector.SAFETY,
                languages=["it", "en", "uk"],
                weekdays=[5],
                start=time(10),
                minutes=150,
            ),
        ],
    ),
    "palermo": (
        ("Giardino della Zisa", "Piazza Zisa, Palermo", 38.1167, 13.3414),
        [
            dict(
                title="Orti urbani alla Zisa",
                description="Coltiviamo l'orto comunitario e prepariamo le piantine per le scuole.",
                sector=Sector.GREEN,
                languages=["it", "ar", "fr"],
                weekdays=[0, 2],
                start=time(8, 30),
                minutes=180,
            ),
        ],
    ),
}


def seed_demo_projects(municipalities: dict, now: datetime) -> int:
    """Create the demo projects once (nothing if any project exists). Flushes."""
    today = to_local(now).date()
    if db.session.scalar(db.select(Project.id).limit(1)) is not None:
        return 0
    made = 0
    for slug, ((venue_name, address, lat, lon), projects) in DEMO.items():
        municipality = municipalities[slug]
        venue = save_venue(
            None,
            municipality.id,
            {"name": venue_name, "address": address, "capacity": 40,
             "latitude": lat, "longitude": lon},
        )  # fmt: skip
        tutors = db.session.scalars(
            db.select(User).where(User.role == Role.TUTOR, User.municipality_id == municipality.id)
        ).all()
        for spec in projects:
            spec = dict(spec)
            weekdays, start, minutes = spec.pop("weekdays"), spec.pop("start"), spec.pop("minutes")
            data = {
                "translations": {}, "capacity": 12, "min_age": 18, "address": "",
                "meeting_point": "", "what_to_bring": "", "accessibility": "",
                "latitude": None, "longitude": None,
                "start_date": today, "end_date": today + timedelta(days=120),
            } | spec  # fmt: skip
            project = save_project(None, municipality.id, data, tutors=tutors, venue=venue)
            add_schedule(
                project,
                build_rrule(weekdays, data["end_date"]),
                datetime.combine(today + timedelta(days=1), start),
                minutes,
            )
            change_status(project, ProjectStatus.PUBLISHED, now)
            made += 1
        _enrol_demo_participants(municipality.id, now)
    first = db.session.scalar(db.select(Project).order_by(Project.id).limit(1))
    share_as_template(first, rrule_hint="FREQ=WEEKLY;BYDAY=TU,TH")
    db.session.flush()
    return made


def _enrol_demo_participants(municipality_id: int, now: datetime) -> None:
    """The municipality's demo participants hold places in its first project."""
    from civic_app.projects.models import Enrolment, EnrolmentStatus

    project = db.session.scalar(
        db.select(Project).where(Project.municipality_id == municipality_id).order_by(Project.id)
    )
    people = db.session.scalars(
        db.select(User).where(
            User.role == Role.PARTICIPANT, User.municipality_id == municipality_id
        )
    ).all()
    for person in people:
        db.session.add(
            Enrolment(
                project_id=project.id,
                participant_id=person.id,
                municipality_id=municipality_id,
                status=EnrolmentStatus.ACCEPTED,
                requested_at=now,
                decided_at=now,
            )
        )
    # Where there is a second project (Roma), two of them have asked to join it too, so
    # that staff find join requests waiting on their first page (/staff/today).
    second = db.session.scalar(
        db.select(Project)
        .where(Project.municipality_id == municipality_id, Project.id != project.id)
        .order_by(Project.id)
    )
    for days, person in enumerate(people[:2] if second else [], start=1):
        db.session.add(
            Enrolment(
                project_id=second.id,
                participant_id=person.id,
                municipality_id=municipality_id,
                status=EnrolmentStatus.APPLIED,
                requested_at=now - timedelta(days=days),
            )
        )
    db.session.flush()
