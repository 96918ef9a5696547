"""Italian texts about one person, in the form that agrees with them (core.i18n.by_sex)."""

from flask_babel import gettext as _

from civic_app.core.accounts import User
from civic_app.core.i18n import by_sex


def registered_on_paper(person: User) -> str:
    """What staff read once they registered someone with a paper consent."""
    name = person.first_name
    return by_sex(
        person,
        female=_("%(name)s: registrata con il consenso su carta.", name=name),
        male=_("%(name)s: registrato con il consenso su carta.", name=name),
        neutral=_("Iscrizione di %(name)s registrata con il consenso su carta.", name=name),
    )
