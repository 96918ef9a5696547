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
    "help": {
        "it": "civic_app: per informazioni chiama il tuo Comune. "
        "Rispondi STOP per non ricevere SMS.",
        "en": "civic_app: for help call your municipality. Reply STOP to stop messages.",
        "fr": "civic_app: pour de l'aide appelez votre mairie. Répondez STOP pour arrêter.",
        "ar": "civic_app: للمساعدة اتصل ببلديتك. أرسل STOP لإيقاف الرسائل.",
    },
}


def render_sms(name: str, language: str, **values) -> str:
    """The text of template `name` in `language`, falling back to Italian."""
    texts = TEMPLATES[name]
    return texts.get(language, texts["it"]).format(**values)


# Messages about enrolments and plans. Keep them short: one GSM-7 segment where possible.
TEMPLATES.update(
    {
        "enrolment_accepted": {
            "it": 'civic_app: sei stato accettato in "{project}". Prossimo turno: {when}.',
            "en": 'civic_app: you are accepted in "{project}". Next shift: {when}.',
            "fr": 'civic_app: vous êtes accepté(e) dans "{project}". Prochain créneau: {when}.',
            "ar": 'civic_app: تم قبولك في "{project}". النوبة القادمة: {when}.',
        },
        "enrolment_waitlisted": {
            "it": 'civic_app: "{project}" è pieno. Sei in lista d\'attesa, ti avvisiamo noi.',
            "en": 'civic_app: "{project}" is full. You are on the waiting list; we will text you.',
            "fr": 'civic_app: "{project}" est complet. Vous êtes sur liste d\'attente.',
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
            "fr": 'civic_app: une place est libre dans "{project}". La mairie confirme bientôt.',
            "ar": 'civic_app: أصبح هناك مكان في "{project}". ستؤكد البلدية قريبًا.',
        },
        "plan_ready": {
            "it": "civic_app: il tuo piano è pronto. Leggilo e firmalo nella tua pagina civic_app.",
            "en": "civic_app: your plan is ready. Read and sign it on civic_app, on your page.",
            "fr": "civic_app: votre plan est prêt. Lisez-le et signez-le sur votre page civic_app.",
            "ar": "civic_app: خطتك جاهزة. اقرأها ووقّعها في صفحتك على civic_app.",
        },
    }
)
