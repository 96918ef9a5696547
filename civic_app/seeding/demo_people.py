"""Demo accounts for `flask seed demo`: fictitious people, numbers from the reserved test ranges."""

from civic_app.core.accounts import User
from civic_app.core.network import ensure_network
from civic_app.core.permissions import Role
from civic_app.extensions import db
from civic_app.people.operations import set_password

#: role, municipality slug (None: national), first name, last name, email, phone, language
DEMO_PEOPLE = [
    (
        Role.COORDINATOR,
        None,
        "Chiara",
        "Coordinatrice",
        "coordinatore@demo.civic.local",
        None,
        "it",
    ),
    (Role.STAFF, "roma", "Marco", "Rossi", "staff.roma@demo.civic.local", None, "it"),
    (Role.STAFF, "milano", "Giulia", "Bianchi", "staff.milano@demo.civic.local", None, "it"),
    (Role.STAFF, "palermo", "Salvatore", "Greco", "staff.palermo@demo.civic.local", None, "it"),
    (Role.TUTOR, "roma", "Luca", "Verdi", "tutor.roma@demo.civic.local", "+393470000101", "it"),
    (Role.TUTOR, "milano", "Sara", "Neri", "tutor.milano@demo.civic.local", "+393470000102", "en"),
    (Role.TUTOR, "palermo", "Karim", "Haddad", "tutor.palermo@demo.civic.local", None, "ar"),
    (Role.PARTICIPANT, "roma", "Amina", "Diallo", None, "+393470000201", "fr"),
    (Role.PARTICIPANT, "roma", "Yusuf", "Rahman", None, "+393470000202", "en"),
    (Role.PARTICIPANT, "roma", "Fatima", "Zahra", None, "+393470000203", "ar"),
    (Role.PARTICIPANT, "milano", "Olena", "Kovalenko", None, "+393470000204", "en"),
    (Role.PARTICIPANT, "palermo", "Moussa", "Traoré", None, "+393470000205", "fr"),
    (Role.PARTICIPANT, "palermo", "Samira", "Benali", None, "+393470000206", "ar"),
]


def seed_demo(password: str) -> list[User]:
    """Create the network and the demo accounts that are missing. Flushes."""
    municipalities = ensure_network()
    users = []
    for role, slug, first, last, email, phone, language in DEMO_PEOPLE:
        key = User.email == email if email else User.phone == phone
        user = db.session.scalar(db.select(User).where(key))
        if user is None:
            user = User(
                role=role,
                municipality=municipalities[slug] if slug else None,
                first_name=first,
                last_name=last,
                email=email,
                phone=phone,
                preferred_language=language,
            )
            if email:
                set_password(user, password)
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users
