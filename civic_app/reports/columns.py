"""The columns of the fund's tables: what each table holds, in which order, under which name."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


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
        _l("green, care, safety; community per gli eventi; none per i piani senza progetto."),
    ),
    Column(
        "measure",
        _l("Misura"),
        _l(
            "reached, active_plan, plans_started, plans_completed, hours, "
            "event_participants (vedi docs/reports.md)."
        ),
    ),
    Column("dimension", _l("Dimensione"), _l("sex, age_band o third_country.")),
    Column(
        "category",
        _l("Categoria"),
        _l("Il valore della dimensione; not_stated quando la persona non l'ha indicato."),
    ),
    Column("value", _l("Valore"), _l("Persone (o ore, per la misura hours)."), True),
]


TABLES = {"sector_month": SECTOR_MONTH, "month": MONTH, "breakdowns": BREAKDOWNS}
