"""What a dashboard shows, computed from `Figures` for one municipality or the network.

Pure Python over the grouped rows: no queries here.
"""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from civic_app.attendance.models import MARK_LABELS, WAS_THERE, Mark
from civic_app.core.accounts import REFERRAL_SOURCES
from civic_app.core.i18n import LANGUAGE_NAMES
from civic_app.core.labels import REFERRAL_LABELS
from civic_app.events.models import EVENT_TYPE_LABELS, EventType
from civic_app.housing.models import MEASURE_KIND_LABELS, MeasureKind
from civic_app.plans.models import PLAN_STATUS_LABELS, PlanStatus
from civic_app.projects.models import SECTOR_LABELS, Sector
from civic_app.reports.indicators import Figures
from civic_app.reports.labels import language_label
from civic_app.reports.queries import ZERO
from civic_app.sms.costs import channel_costs
from civic_app.sms.models import Direction, Status

#: SMS statuses counted as failed on the dashboard.
SMS_FAILED = (Status.FAILED, Status.UNDELIVERED, Status.UNKNOWN)


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` as a percentage with one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class Row:
    """One line of a table and one bar of its chart."""

    key: str
    label: str
    values: tuple

    @property
    def value(self):
        return self.values[0]


class Dashboard:
    """The indicators of one scope (a municipality, or the network when None)."""

    def __init__(self, figures: Figures, municipality_id: int | None = None, projects=None):
        self.figures = figures.scope(municipality_id)
        self.period = figures.period
        #: {project_id: title} for hours by project (municipal dashboard only).
        self.projects = projects or {}

    # Participants ---------------------------------------------------------------
    @property
    def signed_up(self) -> int:
        return self.figures.total("signed_up")

    @property
    def active(self) -> int:
        return self.figures.total("active")

    def active_by_sector(self) -> list[Row]:
        counts = self.figures.by("active_by_sector", 1)
        return [Row(s.value, str(SECTOR_LABELS[s]), (counts.get(s, 0),)) for s in Sector]

    def by_language(self) -> list[Row]:
        signed = self.figures.by("signed_up", 1)
        active = self.figures.by("active_by_language", 1)
        codes = sorted(set(signed) | set(active), key=lambda c: (c not in LANGUAGE_NAMES, c))
        return [
            Row(code, language_label(code), (signed.get(code, 0), active.get(code, 0)))
            for code in codes
        ]

    def by_referral(self) -> list[Row]:
        signed = self.figures.by("signed_up", 2)
        active = self.figures.by("active_by_language", 2)
        codes = [*REFERRAL_SOURCES, None]
        return [
            Row(
                code or "not_stated",
                str(REFERRAL_LABELS.get(code, REFERRAL_LABELS[None])),
                (signed.get(code, 0), active.get(code, 0)),
            )
            for code in codes
            if code in REFERRAL_SOURCES or signed.get(code) or active.get(code)
        ]

    # Plans ----------------------------------------------------------------------
    def plans_by_status(self) -> list[Row]:
        counts = self.figures.by("plans", 1)
        return [Row(s.value, str(PLAN_STATUS_LABELS[s]), (counts.get(s, 0),)) for s in PlanStatus]

    @property
    def plans_total(self) -> int:
        return self.figures.total("plans")

    # Hours and attendance ----------------------------------------------------------
    def _marks(self):
        return self.figures.rows.get("marks", [])

    @property
    def hours_total(self) -> Decimal:
        return sum((row[5] for row in self._marks()), ZERO)

    def hours_by_month(self) -> list[Row]:
        hours = dict.fromkeys(self.period.months(), ZERO)
        for row in self._marks():
            hours[row[1]] += row[5]
        return [Row(month, month_label(month), (value,)) for month, value in hours.items()]

    def hours_by_sector(self) -> list[Row]:
        hours = {s: ZERO for s in Sector}
        for row in self._marks():
            hours[row[2]] += row[5]
        return [Row(s.value, str(SECTOR_LABELS[s]), (hours[s],)) for s in Sector]

    def hours_by_project(self) -> list[Row]:
        hours: dict[int, Decimal] = {}
        for row in self._marks():
            if row[6] is not None:
                hours[row[6]] = hours.get(row[6], ZERO) + row[5]
        ordered = sorted(hours.items(), key=lambda item: (-item[1], item[0]))
        return [
            Row(str(pid), self.projects.get(pid, f"#{pid}"), (value,)) for pid, value in ordered
        ]

    def marks(self) -> dict[Mark, int]:
        counts = dict.fromkeys(Mark, 0)
        for row in self._marks():
            counts[row[3]] += row[4]
        return counts

    def mark_rows(self) -> list[Row]:
        counts = self.marks()
        return [Row(m.value, str(MARK_LABELS[m]), (counts[m],)) for m in Mark]

    @property
    def marks_total(self) -> int:
        return sum(self.marks().values())

    @property
    def attendance_rate(self) -> Decimal | None:
        counts = self.marks()
        return rate(sum(counts[m] for m in WAS_THERE), self.marks_total)

    @property
    def no_show_rate(self) -> Decimal | None:
        return rate(self.marks()[Mark.ABSENT], self.marks_total)

    # Community events ---------------------------------------------------------------
    def events_by_type(self) -> list[Row]:
        """Per type: held, cancelled, attendances (one per person and event), public."""
        held = {t: [0, 0, 0, 0] for t in EventType}
        for _m, event_type, status, count, guests in self.figures.rows.get("events", []):
            if status == "scheduled":
                held[event_type][0] += count
                held[event_type][3] += guests
            else:
                held[event_type][1] += count
        for _m, event_type, attendances, _people in self.figures.rows.get("event_people", []):
            held[event_type][2] += attendances
        return [Row(t.value, str(EVENT_TYPE_LABELS[t]), tuple(held[t])) for t in EventType]

    @property
    def events_held(self) -> int:
        return sum(row.values[0] for row in self.events_by_type())

    @property
    def event_participants(self) -> int:
        """Different registered people at the events held (once each, whatever the type)."""
        return self.figures.total("event_participants")

    @property
    def event_public(self) -> int:
        return sum(row.values[3] for row in self.events_by_type())

    # SMS -----------------------------------------------------------------------------
    def sms(self) -> dict[str, int]:
        out = dict.fromkeys(
            ("sent", "delivered", "failed", "waiting", "not_sent", "received", "segments"), 0
        )
        for _m, direction, status, count, segments in self.figures.rows.get("sms", []):
            if direction == Direction.IN:
                out["received"] += count
                continue
            if status in (Status.SENT, Status.DELIVERED, *SMS_FAILED):
                out["sent"] += count
                out["segments"] += segments
            if status == Status.DELIVERED:
                out["delivered"] += count
            elif status in SMS_FAILED:
                out["failed"] += count
            elif status in (Status.QUEUED, Status.SENDING):
                out["waiting"] += count
            elif status == Status.CANCELLED:
                out["not_sent"] += count
        return out

    def channel_costs(self, config) -> list:
        """What went by SMS, WhatsApp and calls, with its estimated cost (sms/costs.py)."""
        counts: dict[str, list[int]] = {}
        for _m, channel, count, segments, templates in self.figures.rows.get("sms_channels", []):
            total = counts.setdefault(channel, [0, 0, 0])
            total[0], total[1], total[2] = (
                total[0] + count,
                total[1] + segments,
                total[2] + templates,
            )
        return channel_costs({k: tuple(v) for k, v in counts.items()}, config)

    # Network only ------------------------------------------------------------------
    @property
    def plans_signed(self) -> int:
        return self.figures.total("plans_signed_all")

    @property
    def participants_reached(self) -> int:
        return self.figures.total("reached_participants_all")

    @property
    def public_reached(self) -> int:
        return self.figures.total("public_guests_all")

    @property
    def people_reached(self) -> int:
        """Participants and public at activities: not a target of the programme."""
        return self.participants_reached + self.public_reached

    # The programme's targets and pillars (reports.programme) -------------------------
    @property
    def taken_in_charge(self) -> int:
        """People taken in charge and referred (the first target)."""
        return self.figures.total("funnel", value=2)

    @property
    def housed(self) -> int:
        """People in housing measures (the second target), household members apart."""
        return self.figures.total("housed_all", value=1)

    @property
    def household_members(self) -> int:
        """The household members of the people housed: not counted in the target."""
        return self.figures.total("housed_all", value=2)

    @property
    def funnel_intake(self) -> int:
        return self.figures.total("funnel", value=1)

    @property
    def funnel_plan(self) -> int:
        return self.figures.total("funnel", value=3)

    @property
    def funnel_completed(self) -> int:
        return self.figures.total("funnel", value=4)

    def funnel(self) -> list[Row]:
        """Intake → referral → signed plan → completed plan: different people at each step."""
        return [
            Row(key, str(label), (getattr(self, attribute),))
            for key, label, attribute in FUNNEL_STEPS
        ]

    def programme_trend(self) -> list[Row]:
        """Per month: people referred for the first time, people whose first housing
        measure started, plans signed for the first time."""
        referred = self.figures.by("referred_by_month", 1)
        housed = self.figures.by("housed_by_month", 1, value=2)
        plans = self.figures.by("plans_signed_by_month", 1)
        return [
            Row(m, month_label(m), (referred.get(m, 0), housed.get(m, 0), plans.get(m, 0)))
            for m in self.period.months()
        ]

    def place_days(self) -> tuple[int, int]:
        """(available, occupied) place-days of the dwellings in the period, by today."""
        rows = self.figures.rows.get("occupancy", [])
        return sum(row[2] for row in rows), sum(row[3] for row in rows)

    @property
    def occupancy_rate(self) -> Decimal | None:
        available, occupied = self.place_days()
        return rate(occupied, available)

    @property
    def placed_people(self) -> int:
        """Different people who lived in a dwelling of the programme in the period."""
        return self.figures.total("placed_people")

    def money_by_kind(self) -> list[Row]:
        """Per kind of measure: (measures started, people, euro); then the works on dwellings
        (works started, None, euro)."""
        out = {kind: [0, 0, ZERO] for kind in MeasureKind}
        for _m, kind, measures, people, euro in self.figures.rows.get("money", []):
            out[kind][0] += measures
            out[kind][1] += people
            out[kind][2] += euro
        rows = [Row(k.value, str(MEASURE_KIND_LABELS[k]), tuple(out[k])) for k in MeasureKind]
        works = self.figures.rows.get("works", [])
        rows.append(
            Row(
                WORKS,
                str(WORKS_LABEL),
                (sum(r[1] for r in works), None, sum((r[2] for r in works), ZERO)),
            )
        )
        return rows

    @property
    def euro_measures(self) -> Decimal:
        return sum((row[4] for row in self.figures.rows.get("money", [])), ZERO)

    @property
    def measure_people(self) -> int:
        """Different people whose measures the money paid for: the group whose money is
        hidden with it when it is small."""
        return self.figures.total("money_people")

    @property
    def euro_works(self) -> Decimal:
        return sum((row[2] for row in self.figures.rows.get("works", [])), ZERO)

    @property
    def euro_total(self) -> Decimal:
        return self.euro_measures + self.euro_works

    def trend(self) -> list[Row]:
        """Per month: new signed plans, active participants, hours."""
        plans = self.figures.by("plans_signed_by_month", 1)
        active = self.figures.by("active_by_month", 1)
        hours = {row.key: row.value for row in self.hours_by_month()}
        return [
            Row(m, month_label(m), (plans.get(m, 0), active.get(m, 0), hours[m]))
            for m in self.period.months()
        ]


#: The key and label of the works on dwellings among the money spent by kind.
WORKS = "dwelling_works"
WORKS_LABEL = _l("Ristrutturazione degli alloggi")

FUNNEL_STEPS = (
    ("intake", _l("Prese in carico"), "funnel_intake"),
    ("referred", _l("Con almeno un invio a un servizio"), "taken_in_charge"),
    ("plan", _l("Con un piano firmato"), "funnel_plan"),
    ("completed", _l("Con il piano completato"), "funnel_completed"),
)


def month_label(month: str) -> str:
    """ "2026-03" as "03/2026": short, and the same in every language."""
    year, number = month.split("-")
    return f"{number}/{year}"
