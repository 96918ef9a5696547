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
