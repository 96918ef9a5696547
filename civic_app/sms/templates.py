"""SMS texts in every language we speak, kept short (one GSM-7 segment where possible).

SMS go to phones, not browsers: the texts live here per language rather than in
the web catalogs, so that languages the interface does not have yet (Bengali,
Urdu ...) can still be texted.
"""

TEMPLATES: dict[str, dict[str, str]] = {
    "login_code": {
        "it": "civic_app: il tuo codice è {code}. Scade tra 10 minuti. Non darlo a nessuno.",
        "en": "civic_app: your code is {code}. It expires in 10 minutes. Do not share it.",
        "fr": "civic_app: votre code est {code}. Il expire dans 10 minutes. "
        "Ne le donnez à personne.",
        "ar": "civic_app: رمزك هو {code}. ينتهي خلال 10 دقائق. لا تشاركه.",
    },
}


def render_sms(template: str, language: str, /, **values) -> str:
    """The text of `template` in `language`, falling back to Italian."""
    texts = TEMPLATES[template]
    return texts.get(language, texts["it"]).format(**values)


# Messages about enrolments and plans. Keep them short: one GSM-7 segment where possible.
TEMPLATES.update(
    {
        "enrolment_accepted": {
            "it": 'civic_app: sei stato accettato in "{project}". Prossimo turno: {when}.',
            "en": 'civic_app: you are accepted in "{project}". Next shift: {when}.',
            "fr": 'civic_app: demande pour "{project}" acceptée. Prochain créneau: {when}.',
            "ar": 'civic_app: تم قبولك في "{project}". النوبة القادمة: {when}.',
        },
        "enrolment_waitlisted": {
            "it": 'civic_app: "{project}" è pieno. Sei in lista d\'attesa, ti avvisiamo noi.',
            "en": 'civic_app: "{project}" is full. You are on the waiting list; we will text you.',
            "fr": 'civic_app: "{project}" est complet. Vous avez une place en liste d\'attente.',
            "ar": 'civic_app: "{project}" ممتلئ. أنت في قائمة الانتظار وسنخبرك.',
        },
        "enrolment_declined": {
            "it": 'civic_app: per "{project}" non c\'è posto per te. Guarda gli altri progetti.',
            "en": 'civic_app: there is no place for you in "{project}". See other projects.',
            "fr": 'civic_app: pas de place pour vous dans "{project}". Voyez les autres projets.',
            "ar": 'civic_app: لا يوجد مكان لك في "{project}". انظر المشاريع الأخرى.',
        },
        "place_available": {
            "it": 'civic_app: c\'è un posto libero in "{project}". Il Comune conferma presto.',
            "en": 'civic_app: a place is free in "{project}". The municipality will confirm soon.',
            "fr": 'civic_app: une place est libre dans "{project}". La mairie confirmera vite.',
            "ar": 'civic_app: أصبح هناك مكان في "{project}". ستؤكد البلدية قريبًا.',
        },
        "plan_ready": {
            "it": "civic_app: il tuo piano è pronto. Leggilo e firmalo nella tua pagina civic_app.",
            "en": "civic_app: your plan is ready. Read and sign it on civic_app, on your page.",
            "fr": "civic_app: votre plan vous attend. Lisez-le et signez-le sur votre page.",
            "ar": "civic_app: خطتك جاهزة. اقرأها ووقّعها في صفحتك على civic_app.",
        },
    }
)


# Conversation replies and reminders. Reminders must fit one GSM-7 segment in it/en/fr
# and two UCS-2 segments in ar (tests/sms/test_templates.py checks with typical values).
TEMPLATES.update(
    {
        "help": {
            "it": "civic_app: ISCRIVI per iscriverti, PROSSIMO per il turno, ORE per le ore, "
            "STOP per non ricevere SMS.",
            "en": "civic_app: JOIN to sign up, NEXT for your next shift, HOURS for your hours, "
            "STOP to stop SMS.",
            "fr": "civic_app: INSCRIRE pour s'inscrire, PROCHAIN pour le prochain créneau, "
            "HEURES, STOP pour ne plus recevoir de SMS.",
            "ar": "civic_app: اشترك للتسجيل، التالي للنوبة القادمة، ساعات لساعاتك، STOP للإيقاف.",
        },
        "stop_confirmation": {
            "it": "civic_app: non riceverai altri SMS. Scrivi START per riattivarli.",
            "en": "civic_app: you will get no more SMS. Reply START to get them again.",
            "fr": "civic_app: vous ne recevrez plus de SMS. Envoyez START pour les reprendre.",
            "ar": "civic_app: لن تصلك رسائل أخرى. أرسل START لإعادتها.",
        },
        "start_confirmation": {
            "it": "civic_app: riceverai di nuovo i nostri SMS. STOP per smettere.",
            "en": "civic_app: you will get our SMS again. STOP to stop.",
            "fr": "civic_app: vous recevrez de nouveau nos SMS. STOP pour ne plus les recevoir.",
            "ar": "civic_app: ستصلك رسائلنا من جديد. أرسل STOP للإيقاف.",
        },
        "signup_language": {
            "it": "civic_app: 1 Italiano, 2 English, 3 Français, 4 العربية. Rispondi col numero.",
        },
        "signup_name": {
            "it": "Come ti chiami? Scrivi nome e cognome.",
            "en": "What is your name? Write first and last name.",
            "fr": "Comment vous appelez-vous ? Écrivez prénom et nom.",
            "ar": "ما اسمك؟ اكتب الاسم واسم العائلة.",
        },
        "signup_municipality": {
            "it": "In quale Comune vivi? Scrivi il nome, ad esempio Roma.",
            "en": "Which municipality do you live in? Write its name, for example Roma.",
            "fr": "Dans quelle commune vivez-vous ? Écrivez son nom, par exemple Roma.",
            "ar": "في أي بلدية تسكن؟ اكتب اسمها، مثلاً Roma.",
        },
        "signup_municipality_unknown": {
            "it": "Non conosco questo Comune. Scrivi ad esempio Roma, Milano, Palermo.",
            "en": "I do not know this municipality. Write for example Roma, Milano, Palermo.",
            "fr": "Commune inconnue. Écrivez par exemple Roma, Milano, Palermo.",
            "ar": "لا أعرف هذه البلدية. اكتب مثلاً Roma أو Milano أو Palermo.",
        },
        "signup_sector": {
            "it": "Cosa ti interessa? 1 Cura del verde, 2 Cura della persona, 3 Sicurezza.",
            "en": "What interests you? 1 Green spaces, 2 Personal care, 3 Safety.",
            "fr": "Qu'est-ce qui vous intéresse ? 1 Espaces verts, 2 Aide à la personne, "
            "3 Sécurité.",
            "ar": "ما الذي يهمك؟ 1 المساحات الخضراء، 2 رعاية الأشخاص، 3 الأمن.",
        },
        "signup_confirm": {
            "it": "{name}, Comune di {municipality}. Rispondi SI per iscriverti: il Comune usa "
            "nome e numero solo per il programma.",
            "en": "{name}, {municipality}. Reply YES to sign up: the municipality uses your name "
            "and number only for the programme.",
            "fr": "{name}, {municipality}. Répondez OUI pour vous inscrire: la commune utilise "
            "nom et numéro seulement pour le programme.",
            "ar": "{name}، {municipality}. أرسل نعم للتسجيل: "
            "تستخدم البلدية اسمك ورقمك للبرنامج فقط.",
        },
        "signup_done": {
            "it": "Benvenuto {name}! Il Comune ti contatterà. PROSSIMO per i turni, STOP per "
            "non ricevere SMS.",
            "en": "Welcome {name}! The municipality will contact you. NEXT for shifts, STOP to "
            "stop SMS.",
            "fr": "Bienvenue {name} ! La commune vous contactera. PROCHAIN pour les créneaux.",
            "ar": "أهلاً {name}! ستتصل بك البلدية. التالي للنوبات، STOP للإيقاف.",
        },
        "signup_cancelled": {
            "it": "Iscrizione annullata. Scrivi ISCRIVI quando vuoi.",
            "en": "Sign-up cancelled. Write JOIN whenever you like.",
            "fr": "Inscription annulée. Écrivez INSCRIRE quand vous voulez.",
            "ar": "تم إلغاء التسجيل. اكتب اشترك متى شئت.",
        },
        "already_registered": {
            "it": "Sei già iscritto. PROSSIMO per il prossimo turno, ORE per le tue ore.",
            "en": "You are already signed up. NEXT for your next shift, HOURS for your hours.",
            "fr": "Votre inscription est faite. PROCHAIN pour le créneau, HEURES pour vos heures.",
            "ar": "أنت مسجل بالفعل. التالي للنوبة القادمة، ساعات لساعاتك.",
        },
        "next_session": {
            "it": "Prossimo turno: {when}, {place}. {project}",
            "en": "Next shift: {when}, {place}. {project}",
            "fr": "Prochain créneau: {when}, {place}. {project}",
            "ar": "النوبة القادمة: {when}، {place}. {project}",
        },
        "no_session": {
            "it": "Nessun turno in programma. Cerca un progetto su civic_app.",
            "en": "No shift planned. Look for a project on civic_app.",
            "fr": "Aucun créneau prévu. Cherchez un projet sur civic_app.",
            "ar": "لا توجد نوبات. ابحث عن مشروع في civic_app.",
        },
        "hours": {
            "it": "Hai fatto {done} ore su {target}.",
            "en": "You have done {done} hours of {target}.",
            "fr": "Vous avez fait {done} heures sur {target}.",
            "ar": "أنجزت {done} ساعة من {target}.",
        },
        "not_registered": {
            "it": "Non sei ancora iscritto. Scrivi ISCRIVI per iscriverti.",
            "en": "You are not signed up yet. Write JOIN to sign up.",
            "fr": "Vous n'avez pas encore de compte. Écrivez INSCRIRE.",
            "ar": "لست مسجلاً بعد. اكتب اشترك للتسجيل.",
        },
        "rsvp_yes": {
            "it": "Grazie, ti aspettiamo!",
            "en": "Thank you, see you there!",
            "fr": "Merci, nous vous attendons !",
            "ar": "شكرًا، ننتظرك!",
        },
        "rsvp_no": {
            "it": "Grazie per averci avvisato.",
            "en": "Thank you for letting us know.",
            "fr": "Merci de nous avoir prévenus.",
            "ar": "شكرًا لإخبارنا.",
        },
        "reminder": {
            "it": "civic_app: {when} {project}, {place}. Vieni? 1=SI 2=NO",
            "en": "civic_app: {when} {project}, {place}. Coming? 1=YES 2=NO",
            "fr": "civic_app: {when} {project}, {place}. Vous venez? 1=OUI 2=NON",
            "ar": "civic_app: {when} {project}، {place}. هل ستأتي؟ 1=نعم 2=لا",
        },
        "staff_reply": {
            "it": "{text}",
        },
    }
)

#: Typical values, to measure each template's cost in segments.
TYPICAL_VALUES = {
    "code": "123456",
    "project": "Cura del parco",
    "when": "mar 10/03 09:00",
    "place": "Via Appia 12",
    "name": "Amina Diallo",
    "municipality": "Roma",
    "done": "12,5",
    "target": "60",
    "text": "Ciao, domani porta i guanti.",
}


TEMPLATES.update(
    {
        "session_cancelled": {
            "it": "civic_app: ANNULLATO il turno {when} di {project}. Scusa il disturbo.",
            "en": "civic_app: CANCELLED the shift {when} of {project}. Sorry.",
            "fr": "civic_app: ANNULÉ le créneau {when} de {project}. Désolés.",
            "ar": "civic_app: أُلغيت نوبة {when} في {project}. نعتذر.",
        },
        "first_session": {
            "it": "civic_app: il tuo primo turno è {when}! PROSSIMO per sapere dove.",
            "en": "civic_app: your first shift is {when}! NEXT to know where. Good luck!",
            "fr": "civic_app: votre premier créneau: {when} ! PROCHAIN pour savoir où.",
            "ar": "civic_app: أول نوبة لك {when}! أرسل التالي لتعرف المكان. بالتوفيق!",
        },
        "half_target": {
            "it": "civic_app: hai fatto metà delle ore del piano ({done} su {target}). Bravo!",
            "en": "civic_app: you have done half the hours of your plan ({done} of {target}).",
            "fr": "civic_app: vous avez fait la moitié des heures ({done} sur {target}). Bravo !",
            "ar": "civic_app: أنجزت نصف ساعات خطتك ({done} من {target}). أحسنت!",
        },
        "target_reached": {
            "it": "civic_app: hai raggiunto le {target} ore del tuo piano. Complimenti!",
            "en": "civic_app: you have reached the {target} hours of your plan. Congratulations!",
            "fr": "civic_app: vous avez atteint les {target} heures de votre plan. Bravo !",
            "ar": "civic_app: وصلت إلى {target} ساعة في خطتك. تهانينا!",
        },
    }
)


TEMPLATES.update(
    {
        "offer": {
            "it": "civic_app: posto libero {when} {project}. "
            "Lo vuoi? Rispondi 1=SI entro {minutes} min.",
            "en": "civic_app: a place is free {when} {project}. "
            "Want it? Reply 1=YES within {minutes} min.",
            "fr": "civic_app: place libre {when} {project}. "
            "Vous la voulez? 1=OUI sous {minutes} min.",
            "ar": "civic_app: مكان شاغر {when} {project}. "
            "هل تريده؟ أرسل 1=نعم خلال {minutes} دقيقة.",
        },
        "offer_taken": {
            "it": "Il posto è tuo! Ti aspettiamo.",
            "en": "The place is yours! See you there.",
            "fr": "La place est à vous ! Nous vous attendons.",
            "ar": "المكان لك! ننتظرك.",
        },
        "offer_too_late": {
            "it": "Peccato, il posto è già stato preso. Ti avvisiamo la prossima volta.",
            "en": "Sorry, the place has been taken. We will tell you next time.",
            "fr": "Dommage, la place est déjà prise. Nous vous préviendrons la prochaine fois.",
            "ar": "للأسف، أُخذ المكان. سنخبرك في المرة القادمة.",
        },
    }
)
TYPICAL_VALUES["minutes"] = "120"


TEMPLATES.update(
    {
        "event_invite": {
            "it": "civic_app: {when} {title}, {place}. Vieni? 1=SI 2=NO",
            "en": "civic_app: {when} {title}, {place}. Coming? 1=YES 2=NO",
            "fr": "civic_app: {when} {title}, {place}. Vous venez? 1=OUI 2=NON",
            "ar": "civic_app: {when} {title}، {place}. هل ستأتي؟ 1=نعم 2=لا",
        },
        "event_reminder": {
            "it": "civic_app: domani {when} {title}, {place}. Ti aspettiamo!",
            "en": "civic_app: tomorrow {when} {title}, {place}. See you there!",
            "fr": "civic_app: demain {when} {title}, {place}. Nous vous attendons !",
            "ar": "civic_app: غدًا {when} {title}، {place}. ننتظرك!",
        },
    }
)
TYPICAL_VALUES["title"] = "Festa di quartiere"


TEMPLATES.update(
    {
        "event_cancelled": {
            "it": "civic_app: ANNULLATO {title} di {when}. Ci scusiamo.",
            "en": "civic_app: CANCELLED {title} on {when}. Sorry.",
            "fr": "civic_app: ANNULÉ {title} du {when}. Désolés.",
            "ar": "civic_app: أُلغي {title} يوم {when}. نعتذر.",
        },
    }
)


# Sign-up by SMS: the optional year of birth, and the path for minors, whose consent a
# parent or guardian signs with the municipality's staff.
TEMPLATES.update(
    {
        "signup_birth_year": {
            "it": "In che anno sei nato? Es. 1990. Serve solo per contare in forma anonima "
            "le persone raggiunte (fondo UE). Puoi scrivere SALTA.",
            "en": "What year were you born? E.g. 1990. Used only to count people reached, "
            "anonymously (EU fund). You can reply SKIP.",
            "fr": "Votre année de naissance? Ex. 1990. Seulement pour compter les personnes "
            "anonymement (fonds UE). Vous pouvez écrire PASSER.",
            "ar": "ما سنة ميلادك؟ مثلاً 1990. فقط لعدّ الأشخاص دون أسماء (صندوق الاتحاد "
            "الأوروبي). يمكنك كتابة تخطي.",
        },
        "signup_confirm_minor": {
            "it": "{name}, Comune di {municipality}. Hai meno di 18 anni: il consenso lo firma "
            "un genitore o tutore in Comune. Rispondi SI per registrarti.",
            "en": "{name}, {municipality}. You are under 18: a parent or guardian signs the "
            "consent at the municipality. Reply YES to register.",
            "fr": "{name}, {municipality}. Vous avez moins de 18 ans: un parent ou tuteur signe "
            "le consentement en mairie. Répondez OUI pour vous inscrire.",
            "ar": "{name}، {municipality}. عمرك أقل من 18: يوقّع أحد الوالدين أو الوصي "
            "الموافقة في البلدية. أرسل نعم للتسجيل.",
        },
        "signup_done_minor": {
            "it": "Grazie {name}! Un genitore o tutore deve firmare il modulo di consenso con il "
            "personale del Comune. Il Comune ti contatterà.",
            "en": "Thank you {name}! A parent or guardian must sign the consent form with the "
            "municipality's staff. The municipality will contact you.",
            "fr": "Merci {name} ! Un parent ou tuteur doit signer le formulaire de consentement "
            "avec la mairie. La mairie vous contactera.",
            "ar": "شكرًا {name}! يجب أن يوقّع أحد الوالدين أو الوصي استمارة الموافقة مع "
            "موظفي البلدية. ستتصل بك البلدية.",
        },
    }
)
