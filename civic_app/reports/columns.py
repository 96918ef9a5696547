"""The columns of the fund's tables: what each table holds, in which order, under which name."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from civic_app.casework.models import SERVICE_KIND_LABELS, ServiceKind
from civic_app.housing.models import MEASURE_KIND_LABELS, MeasureKind


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy string
    definition: object
    #: A count of people (or of their attendances): suppressed below the threshold
    #: in what coordinators receive.
    people: bool = False


#: The columns that say which municipality (and month) a row is about.
WHERE = [
    Column("municipality", _l("Comune"), _l("Nome del Comune.")),
    Column("istat_code", _l("Codice ISTAT"), _l("Codice ISTAT del Comune.")),
]


WHERE_WHEN = [
    *WHERE,
    Column("month", _l("Mese"), _l("Mese di calendario (ora italiana), AAAA-MM.")),
]


SECTOR_MONTH = [
    *WHERE_WHEN,
    Column("sector", _l("Settore"), _l("green, care o safety: il settore del progetto.")),
    Column(
        "participants_active",
        _l("Partecipanti attivi"),
        _l("Persone diverse segnate presenti (anche in ritardo o uscite prima) nel mese."),
        True,
    ),
    Column(
        "sessions_held",
        _l("Turni svolti"),
        _l("Turni con almeno una presenza o assenza registrata."),
    ),
    Column("marks_present", _l("Presenze"), _l("Presenze registrate."), True),
    Column("marks_late", _l("Ritardi"), _l("Presenze con arrivo in ritardo."), True),
    Column(
        "marks_left_early", _l("Uscite anticipate"), _l("Presenze con uscita anticipata."), True
    ),
    Column("marks_absent", _l("Assenze"), _l("Assenze non giustificate."), True),
    Column("marks_excused", _l("Assenze giustificate"), _l("Assenze giustificate."), True),
    Column("hours", _l("Ore"), _l("Ore svolte, in quarti d'ora, con due decimali.")),
]


MONTH = [
    *WHERE_WHEN,
    Column(
        "participants_signed_up",
        _l("Nuovi iscritti"),
        _l("Account di partecipanti creati nel mese (web, SMS o allo sportello)."),
        True,
    ),
    Column(
        "participants_active",
        _l("Partecipanti attivi"),
        _l("Persone diverse segnate presenti a un turno nel mese, in qualsiasi settore."),
        True,
    ),
    Column(
        "plans_signed",
        _l("Piani firmati"),
        _l("Piani individuali firmati da entrambe le parti per la prima volta nel mese."),
        True,
    ),
    Column(
        "events_held",
        _l("Eventi svolti"),
        _l("Eventi di comunità non annullati iniziati nel mese."),
    ),
    Column(
        "event_participants",
        _l("Partecipanti agli eventi"),
        _l("Partecipanti registrati diversi presenti agli eventi del mese."),
        True,
    ),
    Column(
        "event_public",
        _l("Pubblico agli eventi"),
        _l("Persone del pubblico (non registrate) contate agli eventi del mese."),
        True,
    ),
    Column("sms_sent", _l("SMS inviati"), _l("SMS consegnati al gestore, compresi i falliti.")),
    Column("sms_failed", _l("SMS falliti"), _l("SMS non consegnati o falliti.")),
    Column("sms_segments", _l("Segmenti SMS"), _l("Segmenti SMS fatturabili degli SMS inviati.")),
]


PARTICIPANTS = [
    Column("participant_id", _l("Numero"), _l("Numero interno della persona.")),
    Column("first_name", _l("Nome"), _l("Nome (vuoto se i dati sono stati cancellati).")),
    Column("last_name", _l("Cognome"), _l("Cognome (vuoto se non indicato o cancellato).")),
    Column("language", _l("Lingua"), _l("Lingua preferita (codice).")),
    Column("referral_source", _l("Inviato da"), _l("Chi ha indirizzato la persona.")),
    Column("signed_up_via", _l("Iscrizione"), _l("web, sms o assisted (allo sportello).")),
    Column("signed_up_on", _l("Iscritto il"), _l("Data di iscrizione.")),
    Column("plan_status", _l("Stato del piano"), _l("Stato del piano più recente.")),
    Column("plan_target_hours", _l("Ore previste"), _l("Ore previste dal piano più recente.")),
    Column("hours", _l("Ore svolte"), _l("Ore svolte nel periodo.")),
    Column("sessions_attended", _l("Turni svolti"), _l("Turni con presenza nel periodo.")),
    Column("absences", _l("Assenze"), _l("Assenze non giustificate nel periodo.")),
    Column("last_attended_on", _l("Ultima presenza"), _l("Ultimo turno con presenza.")),
]


BREAKDOWNS = [
    *WHERE,
    Column(
        "sector",
        _l("Settore"),
        _l(
            "green, care, safety; community per gli eventi; none per i piani senza "
            "progetto e per le persone prese in carico o in misure abitative."
        ),
    ),
    Column(
        "measure",
        _l("Misura"),
        _l(
            "reached, active_plan, plans_started, plans_completed, hours, "
            "event_participants, taken_in_charge, housed (vedi docs/reports.md)."
        ),
    ),
    Column(
        "dimension",
        _l("Dimensione"),
        _l("sex, age_band o third_country; vulnerability per taken_in_charge e housed."),
    ),
    Column(
        "category",
        _l("Categoria"),
        _l("Il valore della dimensione; not_stated quando la persona non l'ha indicato."),
    ),
    Column("value", _l("Valore"), _l("Persone (o ore, per la misura hours)."), True),
]


INTAKE = [
    *WHERE_WHEN,
    Column(
        "people_taken_in_charge",
        _l("Persone prese in carico"),
        _l("Persone diverse incontrate per una presa in carico nel mese (data dell'incontro)."),
        True,
    ),
    Column(
        "people_referred_first",
        _l("Persone inviate per la prima volta"),
        _l(
            "Persone inviate a un servizio per la prima volta nel Comune, nel mese: "
            "contano per l'obiettivo delle persone prese in carico e inviate."
        ),
        True,
    ),
    Column("referrals_made", _l("Invii"), _l("Invii a un servizio fatti nel mese."), True),
    *(
        Column(
            f"referrals_{kind}",
            _l("Invii: %(kind)s", kind=SERVICE_KIND_LABELS[kind]),
            _l("Invii fatti nel mese a servizi di questo tipo."),
            True,
        )
        for kind in ServiceKind
    ),
]


HOUSING = [
    *WHERE_WHEN,
    Column(
        "people_entering",
        _l("Persone entrate in una misura abitativa"),
        _l(
            "Persone la cui prima misura abitativa (in corso o conclusa, non «non avviata») "
            "è iniziata nel mese: contano per l'obiettivo delle persone in misure abitative."
        ),
        True,
    ),
    Column(
        "household_members",
        _l("Familiari"),
        _l(
            "Le altre persone del nucleo delle persone entrate nel mese (il nucleo più "
            "grande delle loro misure): non contano nell'obiettivo."
        ),
        True,
    ),
    *(
        Column(
            f"measures_{kind}",
            _l("Misure avviate: %(kind)s", kind=MEASURE_KIND_LABELS[kind]),
            _l("Misure di questo tipo (in corso o concluse) iniziate nel mese."),
            True,
        )
        for kind in MeasureKind
    ),
    *(
        Column(
            f"euro_{kind}",
            _l("Euro: %(kind)s", kind=MEASURE_KIND_LABELS[kind]),
            _l("Importo in euro delle misure di questo tipo iniziate nel mese."),
        )
        for kind in MeasureKind
    ),
    Column(
        "euro_dwelling_works",
        _l("Euro: ristrutturazione degli alloggi"),
        _l("Costo in euro dei lavori sugli alloggi iniziati nel mese."),
    ),
    Column(
        "placements_started",
        _l("Inserimenti in alloggio"),
        _l("Inserimenti in un alloggio del programma iniziati nel mese."),
        True,
    ),
    Column(
        "occupancy_rate",
        _l("Tasso di occupazione (%)"),
        _l(
            "Posti-giorno occupati su posti-giorno disponibili negli alloggi del Comune "
            "nel mese, fino a oggi; vuoto se non c'erano posti."
        ),
    ),
]


TABLES = {
    "sector_month": SECTOR_MONTH,
    "month": MONTH,
    "breakdowns": BREAKDOWNS,
    "intake": INTAKE,
    "housing": HOUSING,
}
