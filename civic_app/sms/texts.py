"""The Italian source texts of every SMS, one `sms_text(key, italian)` each: the
msgctxt and msgid of the `sms` gettext domain (civic_app/translations/<lang>/
LC_MESSAGES/sms.po). Edit a text here, then `flask translate update`, and the
translators see it changed (fuzzy) in every language.
"""


def sms_text(key: str, italian: str) -> tuple[str, str]:
    """Marks an SMS text for pybabel (keyword `sms_text:1c,2`)."""
    return key, italian


MULTILINGUAL = frozenset({"signup_language", "staff_reply"})

SOURCES: dict[str, str] = dict(
    [
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "login_code",
            "{brand}: il tuo codice è {code}. Scade tra 10 minuti. Non darlo a nessuno.",
        ),
        # Enrolments and plans.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "enrolment_accepted",
            '{brand}: la tua richiesta per "{project}" è stata accettata. Prossimo turno: {when}.',
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "enrolment_waitlisted",
            '{brand}: "{project}" è pieno. Sei in lista d\'attesa, ti avvisiamo noi.',
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "enrolment_declined",
            '{brand}: per "{project}" non c\'è posto per te. PROGETTI per gli altri progetti.',
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "place_available",
            '{brand}: c\'è un posto libero in "{project}". Il Comune conferma presto.',
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "plan_ready",
            "{brand}: il tuo piano è pronto. Leggilo e firmalo nella tua pagina {brand}.",
        ),
        # Conversation replies. The keywords they name are in keywords.py, in each language.
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "help",
            "{brand}: ISCRIVI per iscriverti, PROGETTI per i progetti, PROSSIMO per il turno, "
            "ORE per le ore, STOP per non ricevere SMS.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "stop_confirmation", "{brand}: non riceverai altri SMS. Scrivi START per riattivarli."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "start_confirmation", "{brand}: riceverai di nuovo i nostri SMS. STOP per smettere."
        ),
        # Sign-up by SMS. Each language's name is written in its own script.
        # TRANSLATORS: written once for every language: copy it unchanged.
        sms_text(
            "signup_language",
            "1 Italiano 2 English 3 Français 4 العربية 5 Español 6 বাংলা 7 اردو 8 Українська → 1-8",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("signup_name", "Come ti chiami? Scrivi nome e cognome."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("signup_municipality", "In quale Comune vivi? Scrivi il nome, ad esempio Roma."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_sector",
            "Cosa ti interessa? 1 Cura del verde, 2 Cura della persona, 3 Sicurezza.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_birth_year",
            "Il tuo anno di nascita? Es. 1990. Serve solo per contare in forma anonima le "
            "persone raggiunte (fondo UE). Puoi scrivere SALTA.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_confirm",
            "{name}, Comune di {municipality}. Rispondi SI per iscriverti: il Comune usa nome "
            "e numero solo per il programma.",
        ),
        # A minor's consent is signed by a parent or guardian with the municipality's staff.
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_confirm_minor",
            "{name}, Comune di {municipality}. Hai meno di 18 anni: il consenso lo firma un "
            "genitore o tutore in Comune. Rispondi SI per registrarti.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_done",
            "Ti diamo il benvenuto, {name}! PROGETTI per scegliere un progetto, PROSSIMO per i "
            "turni, STOP per non ricevere SMS.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_done_minor",
            "Grazie {name}! Un genitore o tutore deve firmare il modulo di consenso con il "
            "personale del Comune. Il Comune ti contatterà.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("signup_cancelled", "Iscrizione annullata. Scrivi ISCRIVI quando vuoi."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "already_registered",
            "Sei già nel programma. PROSSIMO per il prossimo turno, ORE per le tue ore.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("not_registered", "Non sei ancora nel programma. Scrivi ISCRIVI per iscriverti."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("next_session", "Prossimo turno: {when}, {place}. {project}"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "no_session", "Nessun turno in programma. Scrivi PROGETTI per scegliere un progetto."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("hours", "Hai fatto {done} ore su {target}."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("hours_no_plan", "Hai fatto {done} ore. Il tuo piano non è ancora firmato."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("rsvp_yes", "Grazie, ti aspettiamo!"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("rsvp_no", "Grazie per averci avvisato."),
        # TRANSLATORS: written once for every language: copy it unchanged.
        sms_text("staff_reply", "{text}"),
        # Reminders and notices: one GSM-7 segment in it/en/fr/es, two UCS-2 at most otherwise.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("reminder", "{brand}: {when} {project}, {place}. Vieni? 1=SI 2=NO"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "session_cancelled",
            "{brand}: ANNULLATO il turno {when} di {project}. Scusa il disturbo.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "first_session", "{brand}: il tuo primo turno è {when}! PROSSIMO per sapere dove."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "half_target",
            "{brand}: hai fatto metà delle ore del piano ({done} su {target}). Ottimo lavoro!",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "target_reached", "{brand}: hai raggiunto le {target} ore del tuo piano. Complimenti!"
        ),
        # A place freed at a session, offered to the waitlist: it expires, so it says when.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "offer",
            "{brand}: posto libero {when} {project}, {place}. Lo vuoi? 1=SI entro {minutes} min.",
        ),
        # Taking a freed place makes the person expected at that session: say when and where.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("offer_taken", "Il posto è tuo: {when}, {place}. Ti aspettiamo!"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "offer_too_late", "Peccato, il posto è già stato preso. Ti avvisiamo la prossima volta."
        ),
        # A YES after a NO, once the freed place went to someone from the waiting list.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "place_went",
            "Il tuo posto del {when} è andato a un'altra persona. Ti avvisiamo se se ne libera "
            "uno.",
        ),
        # Two questions open at once: the 1/2 answer is kept, and this asks which it is for.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("which_question", "Per quale rispondi? 1={first} 2={second}"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("question_session", "turno {when}"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("question_offer", "posto libero {when}"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("question_event", "incontro {when}"),
        # A text that is not a keyword nor an answer to an open question: staff read it.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "passed_to_staff",
            "{brand}: abbiamo passato il tuo messaggio al Comune. Per non ricevere più SMS "
            "scrivi STOP.",
        ),
        # The first message from a number after STOP: how to come back (then silence).
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "stopped_info",
            "{brand}: non ricevi più SMS da noi. Per riceverli di nuovo scrivi START.",
        ),
        # Community events.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("event_invite", "{brand}: {when} {title}, {place}. Vieni? 1=SI 2=NO"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("event_reminder", "{brand}: domani {when} {title}, {place}. Ti aspettiamo!"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("event_cancelled", "{brand}: ANNULLATO {title} di {when}. Ci scusiamo."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("event_changed", "{brand}: CAMBIO {title}: ora {when}, {place}. Vieni? 1=SI 2=NO"),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("event_series_changed", "{brand}: CAMBIO {title}: da {when} in poi, {place}."),
        # Casework referrals (casework.reminders). A health or mental-health service is never
        # named: the *_private texts give only the time and the place (a phone is not private).
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "referral_appointment", "{brand}: hai un appuntamento {when} con {service}, {place}."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("referral_appointment_private", "{brand}: hai un appuntamento {when}, {place}."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "referral_reminder", "{brand}: promemoria, appuntamento {when} con {service}, {place}."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("referral_reminder_private", "{brand}: promemoria, appuntamento {when}, {place}."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "referral_civic_welcome",
            "{brand}: ora fai parte del programma di impegno civico. Entra col tuo numero su "
            "{site} e scegli un progetto.",
        ),
        # Joining a project by SMS (PROGETTI): the open projects of the person's Comune with
        # places left, numbered; a number asks to join, as the web's button does.
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "projects_list",
            "Progetti con posti a {municipality}: {projects}. Rispondi col numero per chiedere "
            "di entrare, ALTRI per vederne altri.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "projects_list_end",
            "Progetti con posti a {municipality}: {projects}. Rispondi col numero per chiedere "
            "di entrare.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "projects_none",
            "Ora a {municipality} non ci sono progetti con posti liberi. Riprova tra qualche "
            "giorno scrivendo PROGETTI.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "projects_pick_range",
            "Scegli un numero da 1 a {last}, oppure scrivi PROGETTI per la lista.",
        ),
        # A request waits for staff: it is not a shift yet, and the text says so.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "project_applied",
            '{brand}: richiesta per "{project}" inviata. Il Comune la esamina e ti scrive. Non '
            "hai ancora turni.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "project_already",
            'Hai già chiesto di entrare in "{project}". PROSSIMO per sapere a che punto è.',
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "project_minor",
            "Per chi ha meno di 18 anni serve prima il consenso di un genitore o tutore, "
            "firmato in Comune.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "project_closed", '"{project}" non accetta iscrizioni. Scrivi PROGETTI per la lista.'
        ),
        # NEXT without a shift, but with a request: never presented as a shift to go to.
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "next_waiting",
            'La tua richiesta per "{project}" aspetta la risposta del Comune: non hai ancora '
            "turni. Ti scriviamo noi.",
        ),
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "next_waitlisted",
            'Sei in lista d\'attesa per "{project}": non hai ancora turni. Ti scriviamo se si '
            "libera un posto.",
        ),
        # A municipality named in a way we do not know, or that fits several: pick by number.
        # TRANSLATORS: 2 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 3 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "signup_municipality_pick",
            "Quale Comune? {choices}. Rispondi col numero o scrivi il nome.",
        ),
        # The first message from a number after STOP: how to come back (then silence).
        # The channel a person chose by keyword (WHATSAPP, SMS, CHIAMATA).
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "channel_whatsapp",
            "{brand}: d'ora in poi ti scriviamo su WhatsApp. Per tornare agli SMS scrivi SMS.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("channel_sms", "{brand}: d'ora in poi ti scriviamo per SMS."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "channel_voice",
            "{brand}: d'ora in poi i promemoria arrivano con una chiamata. Per tornare agli "
            "SMS scrivi SMS.",
        ),
        # Said on a call (sms/voice.py, conversation/voice.py), written for listening: no
        # signature prefix, no keywords to type, the date said in full.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "voice_reminder",
            "Ciao, ti chiama {brand}. Ti ricordiamo il turno di {project}, {when}, in {place}.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "voice_offer",
            "Ciao, ti chiama {brand}. Si è liberato un posto per {project}, {when}. Puoi "
            "prenderlo entro {minutes} minuti.",
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "voice_event_reminder",
            "Ciao, ti chiama {brand}. Ti ricordiamo {title}, {when}, in {place}. Ti aspettiamo!",
        ),
        # A call may be heard by others: it names no service.
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text(
            "voice_appointment", "Ciao, ti chiama {brand}. Hai un appuntamento {when}, in {place}."
        ),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("voice_press", "Premi 1 per confermare, 2 per rifiutare."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("voice_sorry", "Scusa, non ho capito."),
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("voice_goodbye", "Grazie, arrivederci."),
        # A key pressed for a question that has closed (the session began, the offer lapsed).
        # TRANSLATORS: 1 GSM-7 segment(s) in it/en/fr/es (no á í ó ú), 2 UCS-2 in ar/bn/ur/uk
        # with the values filled in and {brand} up to 16 characters; keep each {field}.
        sms_text("voice_closed", "Questa domanda non è più aperta. Arrivederci."),
    ]
)
