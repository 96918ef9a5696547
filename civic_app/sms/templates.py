"""SMS texts in every language a participant can choose, kept short.

SMS go to phones, not browsers: the texts live here per language rather than in the
web catalogs, so that languages the web interface does not have (Spanish, Bengali,
Urdu, Ukrainian) are texted too. Dates and numbers inside them come from Babel's own
locale data, which has every one of these languages (`sms_when`, `sms_number`).

Budgets (`civic_app/sms/costs.py`, the staff page /staff/sms/templates and
`flask sms templates` show them): Italian, English, French and Spanish stay in GSM-7,
where a reminder is one segment (160 characters); Arabic, Bengali, Urdu and Ukrainian
are UCS-2 (70 characters, 67 per part), where a reminder is two segments at most.
The Spanish texts avoid á, í, ó, ú (not in GSM-7; é and ñ are) so as to stay there.

`{brand}` is the name SMS are signed with (SMS_BRAND, core/brand.py: 16 plain GSM-7
characters at most; every template is tested to keep its budget with one that long).
"""

import unicodedata
from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime

from civic_app.core.brand import current_brand
from civic_app.sms.segments import is_gsm7

#: Every language SMS are written in, the order of the sign-up menu.
SMS_LANGUAGES = ("it", "en", "fr", "ar", "es", "bn", "ur", "uk")
#: Languages whose texts stay in GSM-7; the others are UCS-2.
GSM_LANGUAGES = ("it", "en", "fr", "es")
#: Written once for everyone: the menu goes out before a language is chosen; staff
#: replies are staff's own words.
MULTILINGUAL = frozenset({"signup_language", "staff_reply"})

TEMPLATES: dict[str, dict[str, str]] = {
    "login_code": {
        "it": "{brand}: il tuo codice è {code}. Scade tra 10 minuti. Non darlo a nessuno.",
        "en": "{brand}: your code is {code}. It expires in 10 minutes. Do not share it.",
        "fr": "{brand}: votre code est {code}. Il expire dans 10 minutes. Ne le donnez à personne.",
        "ar": "{brand}: رمزك هو {code}. ينتهي خلال 10 دقائق. لا تشاركه.",
        "es": "{brand}: tu clave de acceso es {code}. Caduca en 10 minutos. No la compartas.",
        "bn": "{brand}: আপনার কোড {code}। মেয়াদ 10 মিনিট। কাউকে জানাবেন না।",
        "ur": "{brand}: آپ کا کوڈ {code} ہے۔ 10 منٹ میں ختم ہو گا۔ کسی کو نہ بتائیں۔",
        "uk": "{brand}: ваш код {code}. Діє 10 хвилин. Нікому його не повідомляйте.",
    },
    # Enrolments and plans.
    "enrolment_accepted": {
        "it": '{brand}: la tua richiesta per "{project}" è stata accettata. Prossimo turno: '
        "{when}.",
        "en": '{brand}: you are accepted in "{project}". Next shift: {when}.',
        "fr": '{brand}: demande pour "{project}" acceptée. Prochain créneau: {when}.',
        "ar": '{brand}: تم قبولك في "{project}". النوبة القادمة: {when}.',
        "es": '{brand}: te han aceptado en "{project}". Siguiente turno: {when}.',
        "bn": '{brand}: আপনাকে "{project}"-এ নেওয়া হয়েছে। পরের শিফট: {when}।',
        "ur": '{brand}: آپ کو "{project}" میں لے لیا گیا ہے۔ اگلی شفٹ: {when}۔',
        "uk": '{brand}: вас прийнято до "{project}". Наступна зміна: {when}.',
    },
    "enrolment_waitlisted": {
        "it": '{brand}: "{project}" è pieno. Sei in lista d\'attesa, ti avvisiamo noi.',
        "en": '{brand}: "{project}" is full. You are on the waiting list; we will text you.',
        "fr": '{brand}: "{project}" est complet. Vous avez une place en liste d\'attente.',
        "ar": '{brand}: "{project}" ممتلئ. أنت في قائمة الانتظار وسنخبرك.',
        "es": '{brand}: "{project}" ya no tiene plazas. Te anotamos en lista de espera '
        "y te avisaremos.",
        "bn": '{brand}: "{project}"-এ জায়গা নেই। আপনি অপেক্ষার তালিকায় আছেন, আমরা জানাব।',
        "ur": '{brand}: "{project}" بھر گیا ہے۔ آپ انتظار کی فہرست میں ہیں، ہم بتائیں گے۔',
        "uk": '{brand}: у "{project}" немає місць. Ви в списку очікування, ми повідомимо.',
    },
    "enrolment_declined": {
        "it": '{brand}: per "{project}" non c\'è posto per te. Guarda gli altri progetti.',
        "en": '{brand}: there is no place for you in "{project}". See other projects.',
        "fr": '{brand}: pas de place pour vous dans "{project}". Voyez les autres projets.',
        "ar": '{brand}: لا يوجد مكان لك في "{project}". انظر المشاريع الأخرى.',
        "es": '{brand}: no hay plaza para ti en "{project}". Mira los otros proyectos.',
        "bn": '{brand}: "{project}"-এ আপনার জন্য জায়গা নেই। অন্য প্রকল্প দেখুন।',
        "ur": '{brand}: "{project}" میں آپ کے لیے جگہ نہیں۔ دوسرے پروجیکٹ دیکھیں۔',
        "uk": '{brand}: у "{project}" для вас немає місця. Перегляньте інші проєкти.',
    },
    "place_available": {
        "it": '{brand}: c\'è un posto libero in "{project}". Il Comune conferma presto.',
        "en": '{brand}: a place is free in "{project}". The municipality will confirm soon.',
        "fr": '{brand}: une place est libre dans "{project}". La mairie confirmera vite.',
        "ar": '{brand}: أصبح هناك مكان في "{project}". ستؤكد البلدية قريبًا.',
        "es": '{brand}: hay una plaza libre en "{project}". El Ayuntamiento te la confirma pronto.',
        "bn": '{brand}: "{project}"-এ একটি জায়গা খালি। পৌরসভা শিগগির নিশ্চিত করবে।',
        "ur": '{brand}: "{project}" میں ایک جگہ خالی ہے۔ بلدیہ جلد تصدیق کرے گی۔',
        "uk": '{brand}: у "{project}" звільнилося місце. Муніципалітет скоро підтвердить.',
    },
    "plan_ready": {
        "it": "{brand}: il tuo piano è pronto. Leggilo e firmalo nella tua pagina {brand}.",
        "en": "{brand}: your plan is ready. Read and sign it on {brand}, on your page.",
        "fr": "{brand}: votre plan vous attend. Lisez-le et signez-le sur votre page.",
        "ar": "{brand}: خطتك جاهزة. اقرأها ووقّعها في صفحتك على {brand}.",
        "es": "{brand}: ya puedes leer y firmar tu plan en tu perfil de {brand}.",
        "bn": "{brand}: আপনার পরিকল্পনা তৈরি। {brand}-এ আপনার পাতায় পড়ে সই করুন।",
        "ur": "{brand}: آپ کا منصوبہ تیار ہے۔ {brand} پر اپنے صفحے پر پڑھ کر دستخط کریں۔",
        "uk": "{brand}: ваш план готовий. Прочитайте й підпишіть його на своїй сторінці.",
    },
    # Conversation replies. The keywords they name are in keywords.py, in each language.
    "help": {
        "it": "{brand}: ISCRIVI per iscriverti, PROSSIMO per il turno, ORE per le ore, "
        "STOP per non ricevere SMS.",
        "en": "{brand}: JOIN to sign up, NEXT for your next shift, HOURS for your hours, "
        "STOP to stop SMS.",
        "fr": "{brand}: INSCRIRE pour s'inscrire, PROCHAIN pour le prochain créneau, "
        "HEURES, STOP pour ne plus recevoir de SMS.",
        "ar": "{brand}: اشترك للتسجيل، التالي للنوبة القادمة، ساعات لساعاتك، STOP للإيقاف.",
        "es": "{brand}: UNIRME para inscribirte, SIGUIENTE para tu turno, HORAS para tus "
        "horas, STOP para no recibir SMS.",
        "bn": "{brand}: যোগ দিতে যোগ, পরের শিফট জানতে পরবর্তী, ঘণ্টা জানতে ঘণ্টা, SMS বন্ধ করতে STOP লিখুন।",
        "ur": "{brand}: رجسٹریشن کے لیے شامل، اگلی شفٹ کے لیے اگلا، گھنٹوں کے لیے گھنٹے، "
        "SMS روکنے کے لیے STOP لکھیں۔",
        "uk": "{brand}: ЗАПИС, щоб записатися; ДАЛІ — наступна зміна; ГОДИНИ — ваші "
        "години; STOP — без SMS.",
    },
    "stop_confirmation": {
        "it": "{brand}: non riceverai altri SMS. Scrivi START per riattivarli.",
        "en": "{brand}: you will get no more SMS. Reply START to get them again.",
        "fr": "{brand}: vous ne recevrez plus de SMS. Envoyez START pour les reprendre.",
        "ar": "{brand}: لن تصلك رسائل أخرى. أرسل START لإعادتها.",
        "es": "{brand}: ya no te enviaremos SMS. Escribe START para volver a recibirlos.",
        "bn": "{brand}: আর কোনো SMS পাবেন না। আবার পেতে START লিখুন।",
        "ur": "{brand}: آپ کو مزید SMS نہیں آئیں گے۔ دوبارہ کے لیے START بھیجیں۔",
        "uk": "{brand}: ви більше не отримуватимете SMS. Надішліть START, щоб поновити.",
    },
    "start_confirmation": {
        "it": "{brand}: riceverai di nuovo i nostri SMS. STOP per smettere.",
        "en": "{brand}: you will get our SMS again. STOP to stop.",
        "fr": "{brand}: vous recevrez de nouveau nos SMS. STOP pour ne plus les recevoir.",
        "ar": "{brand}: ستصلك رسائلنا من جديد. أرسل STOP للإيقاف.",
        "es": "{brand}: te enviaremos SMS de nuevo. STOP para dejar de recibirlos.",
        "bn": "{brand}: আবার আমাদের SMS পাবেন। বন্ধ করতে STOP লিখুন।",
        "ur": "{brand}: آپ کو ہمارے SMS دوبارہ ملیں گے۔ روکنے کے لیے STOP بھیجیں۔",
        "uk": "{brand}: ви знову отримуватимете наші SMS. STOP, щоб зупинити.",
    },
    # Sign-up by SMS. Each language's name is written in its own script.
    "signup_language": {
        "it": "1 Italiano 2 English 3 Français 4 العربية 5 Español 6 বাংলা 7 اردو "
        "8 Українська. Rispondi col numero.",
    },
    "signup_name": {
        "it": "Come ti chiami? Scrivi nome e cognome.",
        "en": "What is your name? Write first and last name.",
        "fr": "Comment vous appelez-vous ? Écrivez prénom et nom.",
        "ar": "ما اسمك؟ اكتب الاسم واسم العائلة.",
        "es": "Escribe tu nombre y apellido, por favor.",
        "bn": "আপনার নাম কী? নাম ও পদবি লিখুন।",
        "ur": "آپ کا نام کیا ہے؟ پہلا اور آخری نام لکھیں۔",
        "uk": "Як вас звати? Напишіть ім'я та прізвище.",
    },
    "signup_municipality": {
        "it": "In quale Comune vivi? Scrivi il nome, ad esempio Roma.",
        "en": "Which municipality do you live in? Write its name, for example Roma.",
        "fr": "Dans quelle commune vivez-vous ? Écrivez son nom, par exemple Roma.",
        "ar": "في أي بلدية تسكن؟ اكتب اسمها، مثلاً Roma.",
        "es": "¿En qué municipio vives? Escribe el nombre, por ejemplo Roma.",
        "bn": "আপনি কোন পৌরসভায় থাকেন? নাম লিখুন, যেমন Roma।",
        "ur": "آپ کس بلدیہ میں رہتے ہیں؟ اس کا نام لکھیں، مثلاً Roma۔",
        "uk": "У якому муніципалітеті ви живете? Напишіть назву, наприклад Roma.",
    },
    "signup_municipality_unknown": {
        "it": "Non conosco questo Comune. Scrivi ad esempio Roma, Milano, Palermo.",
        "en": "I do not know this municipality. Write for example Roma, Milano, Palermo.",
        "fr": "Commune inconnue. Écrivez par exemple Roma, Milano, Palermo.",
        "ar": "لا أعرف هذه البلدية. اكتب مثلاً Roma أو Milano أو Palermo.",
        "es": "No conozco ese municipio. Escribe por ejemplo Roma, Milano, Palermo.",
        "bn": "এই পৌরসভা চিনি না। লিখুন যেমন Roma, Milano, Palermo।",
        "ur": "یہ بلدیہ معلوم نہیں۔ مثلاً Roma، Milano یا Palermo لکھیں۔",
        "uk": "Не знаю такого муніципалітету. Напишіть, наприклад, Roma, Milano, Palermo.",
    },
    "signup_sector": {
        "it": "Cosa ti interessa? 1 Cura del verde, 2 Cura della persona, 3 Sicurezza.",
        "en": "What interests you? 1 Green spaces, 2 Personal care, 3 Safety.",
        "fr": "Qu'est-ce qui vous intéresse ? 1 Espaces verts, 2 Aide à la personne, 3 Sécurité.",
        "ar": "ما الذي يهمك؟ 1 المساحات الخضراء، 2 رعاية الأشخاص، 3 الأمن.",
        "es": "¿Qué te interesa? 1 Zonas verdes, 2 Cuidado de personas, 3 Seguridad.",
        "bn": "আপনার আগ্রহ কীসে? 1 সবুজ এলাকা, 2 মানুষের যত্ন, 3 নিরাপত্তা।",
        "ur": "آپ کی دلچسپی کس میں ہے؟ 1 سبز مقامات، 2 لوگوں کی دیکھ بھال، 3 حفاظت۔",
        "uk": "Що вас цікавить? 1 Зелені зони, 2 Догляд за людьми, 3 Безпека.",
    },
    "signup_birth_year": {
        "it": "Il tuo anno di nascita? Es. 1990. Serve solo per contare in forma anonima "
        "le persone raggiunte (fondo UE). Puoi scrivere SALTA.",
        "en": "What year were you born? E.g. 1990. Used only to count people reached, "
        "anonymously (EU fund). You can reply SKIP.",
        "fr": "Votre année de naissance? Ex. 1990. Seulement pour compter les personnes "
        "anonymement (fonds UE). Vous pouvez écrire PASSER.",
        "ar": "ما سنة ميلادك؟ مثلاً 1990. فقط لعدّ الأشخاص دون أسماء (صندوق الاتحاد "
        "الأوروبي). يمكنك كتابة تخطي.",
        "es": "¿En qué año naciste? Ej. 1990. Solo sirve para contar sin nombres a las "
        "personas atendidas (fondo UE). Puedes escribir SALTAR.",
        "bn": "আপনার জন্মসাল? যেমন 1990। শুধু নাম ছাড়া মানুষ গোনার জন্য (ইইউ তহবিল)। বলতে না চাইলে বাদ লিখুন।",
        "ur": "آپ کس سال پیدا ہوئے؟ مثلاً 1990۔ صرف گمنام گنتی کے لیے (یورپی فنڈ)۔ "
        "نہ بتانا ہو تو چھوڑیں لکھیں۔",
        "uk": "Якого року ви народилися? Напр. 1990. Лише для анонімного підрахунку "
        "(фонд ЄС). Можна написати ПРОПУСТИТИ.",
    },
    "signup_confirm": {
        "it": "{name}, Comune di {municipality}. Rispondi SI per iscriverti: il Comune usa "
        "nome e numero solo per il programma.",
        "en": "{name}, {municipality}. Reply YES to sign up: the municipality uses your name "
        "and number only for the programme.",
        "fr": "{name}, {municipality}. Répondez OUI pour vous inscrire: la commune utilise "
        "nom et numéro seulement pour le programme.",
        "ar": "{name}، {municipality}. أرسل نعم للتسجيل: تستخدم البلدية اسمك ورقمك للبرنامج فقط.",
        "es": "{name}, {municipality}. Responde SI para inscribirte: el Ayuntamiento usa tu "
        "nombre y tu teléfono solo para el programa.",
        "bn": "{name}, {municipality}। নিবন্ধনের জন্য হ্যাঁ লিখুন: পৌরসভা আপনার নাম ও নম্বর "
        "শুধু এই কর্মসূচিতে ব্যবহার করবে।",
        "ur": "{name}، {municipality}۔ رجسٹریشن کے لیے ہاں بھیجیں: بلدیہ آپ کا نام اور نمبر "
        "صرف اس پروگرام کے لیے استعمال کرے گی۔",
        "uk": "{name}, {municipality}. Відповідайте ТАК, щоб записатися: муніципалітет "
        "використовує ім'я та номер лише для програми.",
    },
    # A minor's consent is signed by a parent or guardian with the municipality's staff.
    "signup_confirm_minor": {
        "it": "{name}, Comune di {municipality}. Hai meno di 18 anni: il consenso lo firma "
        "un genitore o tutore in Comune. Rispondi SI per registrarti.",
        "en": "{name}, {municipality}. You are under 18: a parent or guardian signs the "
        "consent at the municipality. Reply YES to register.",
        "fr": "{name}, {municipality}. Vous avez moins de 18 ans: un parent ou tuteur signe "
        "le consentement en mairie. Répondez OUI pour vous inscrire.",
        "ar": "{name}، {municipality}. عمرك أقل من 18: يوقّع أحد الوالدين أو الوصي "
        "الموافقة في البلدية. أرسل نعم للتسجيل.",
        "es": "{name}, {municipality}. Tienes menos de 18 años: el consentimiento lo firma "
        "tu madre, padre o tutor en el Ayuntamiento. Responde SI para registrarte.",
        "bn": "{name}, {municipality}। আপনার বয়স 18-এর কম: সম্মতিতে পৌরসভায় বাবা-মা বা "
        "অভিভাবক সই করবেন। নিবন্ধনের জন্য হ্যাঁ লিখুন।",
        "ur": "{name}، {municipality}۔ آپ کی عمر 18 سے کم ہے: رضامندی پر والدین یا سرپرست "
        "بلدیہ میں دستخط کریں گے۔ رجسٹریشن کے لیے ہاں بھیجیں۔",
        "uk": "{name}, {municipality}. Вам менше 18: згоду підписує батько, мати чи опікун "
        "у муніципалітеті. Відповідайте ТАК, щоб зареєструватися.",
    },
    "signup_done": {
        "it": "Ti diamo il benvenuto, {name}! Il Comune ti contatterà. PROSSIMO per i turni, "
        "STOP per non ricevere SMS.",
        "en": "Welcome {name}! The municipality will contact you. NEXT for shifts, STOP to "
        "stop SMS.",
        "fr": "Bienvenue {name} ! La commune vous contactera. PROCHAIN pour les créneaux.",
        "ar": "أهلاً {name}! ستتصل بك البلدية. التالي للنوبات، STOP للإيقاف.",
        "es": "¡Bienvenido/a, {name}! El Ayuntamiento te contacta pronto. SIGUIENTE para "
        "tus turnos, STOP para no recibir SMS.",
        "bn": "স্বাগতম {name}! পৌরসভা যোগাযোগ করবে। শিফট জানতে পরবর্তী, SMS বন্ধ করতে STOP।",
        "ur": "خوش آمدید {name}! بلدیہ آپ سے رابطہ کرے گی۔ شفٹوں کے لیے اگلا، روکنے کے لیے STOP۔",
        "uk": "Вітаємо, {name}! Муніципалітет зв'яжеться з вами. ДАЛІ — ваші зміни, "
        "STOP — без SMS.",
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
        "es": "¡Gracias, {name}! Tu madre, padre o tutor debe firmar el consentimiento con "
        "el personal del Ayuntamiento. Te contactaremos pronto.",
        "bn": "ধন্যবাদ {name}! বাবা-মা বা অভিভাবককে পৌরসভার কর্মীদের সাথে সম্মতিপত্রে সই "
        "করতে হবে। পৌরসভা যোগাযোগ করবে।",
        "ur": "شکریہ {name}! والدین یا سرپرست کو بلدیہ کے عملے کے ساتھ رضامندی فارم پر "
        "دستخط کرنے ہوں گے۔ بلدیہ رابطہ کرے گی۔",
        "uk": "Дякуємо, {name}! Батько, мати чи опікун має підписати згоду з працівниками "
        "муніципалітету. Ми з вами зв'яжемося.",
    },
    "signup_cancelled": {
        "it": "Iscrizione annullata. Scrivi ISCRIVI quando vuoi.",
        "en": "Sign-up cancelled. Write JOIN whenever you like.",
        "fr": "Inscription annulée. Écrivez INSCRIRE quand vous voulez.",
        "ar": "تم إلغاء التسجيل. اكتب اشترك متى شئت.",
        "es": "Registro cancelado. Escribe UNIRME cuando quieras.",
        "bn": "নিবন্ধন বাতিল হয়েছে। যখন চান যোগ লিখুন।",
        "ur": "رجسٹریشن منسوخ ہو گئی۔ جب چاہیں شامل لکھیں۔",
        "uk": "Запис скасовано. Напишіть ЗАПИС, коли захочете.",
    },
    "already_registered": {
        "it": "Sei già nel programma. PROSSIMO per il prossimo turno, ORE per le tue ore.",
        "en": "You are already signed up. NEXT for your next shift, HOURS for your hours.",
        "fr": "Votre inscription est faite. PROCHAIN pour le créneau, HEURES pour vos heures.",
        "ar": "أنت مسجل بالفعل. التالي للنوبة القادمة، ساعات لساعاتك.",
        "es": "Ya te has inscrito. SIGUIENTE para tu turno, HORAS para tus horas.",
        "bn": "আপনি আগেই নিবন্ধিত। পরের শিফটের জন্য পরবর্তী, ঘণ্টার জন্য ঘণ্টা লিখুন।",
        "ur": "آپ پہلے سے رجسٹرڈ ہیں۔ اگلی شفٹ کے لیے اگلا، گھنٹوں کے لیے گھنٹے لکھیں۔",
        "uk": "Ви вже зареєстровані. ДАЛІ — наступна зміна, ГОДИНИ — ваші години.",
    },
    "not_registered": {
        "it": "Non sei ancora nel programma. Scrivi ISCRIVI per iscriverti.",
        "en": "You are not signed up yet. Write JOIN to sign up.",
        "fr": "Vous n'avez pas encore de compte. Écrivez INSCRIRE.",
        "ar": "لست مسجلاً بعد. اكتب اشترك للتسجيل.",
        "es": "No te has inscrito. Escribe UNIRME para inscribirte.",
        "bn": "আপনি এখনও নিবন্ধিত নন। নিবন্ধনের জন্য যোগ লিখুন।",
        "ur": "آپ ابھی رجسٹرڈ نہیں ہیں۔ رجسٹریشن کے لیے شامل لکھیں۔",
        "uk": "Ви ще не зареєстровані. Напишіть ЗАПИС, щоб записатися.",
    },
    "next_session": {
        "it": "Prossimo turno: {when}, {place}. {project}",
        "en": "Next shift: {when}, {place}. {project}",
        "fr": "Prochain créneau: {when}, {place}. {project}",
        "ar": "النوبة القادمة: {when}، {place}. {project}",
        "es": "Siguiente turno: {when}, {place}. {project}",
        "bn": "পরের শিফট: {when}, {place}। {project}",
        "ur": "اگلی شفٹ: {when}، {place}۔ {project}",
        "uk": "Наступна зміна: {when}, {place}. {project}",
    },
    "no_session": {
        "it": "Nessun turno in programma. Cerca un progetto su {brand}.",
        "en": "No shift planned. Look for a project on {brand}.",
        "fr": "Aucun créneau prévu. Cherchez un projet sur {brand}.",
        "ar": "لا توجد نوبات. ابحث عن مشروع في {brand}.",
        "es": "No tienes turnos. Busca un proyecto en {brand}.",
        "bn": "কোনো শিফট নেই। {brand}-এ একটি প্রকল্প খুঁজুন।",
        "ur": "کوئی شفٹ طے نہیں۔ {brand} پر کوئی پروجیکٹ تلاش کریں۔",
        "uk": "Змін не заплановано. Знайдіть проєкт на {brand}.",
    },
    "hours": {
        "it": "Hai fatto {done} ore su {target}.",
        "en": "You have done {done} hours of {target}.",
        "fr": "Vous avez fait {done} heures sur {target}.",
        "ar": "أنجزت {done} ساعة من {target}.",
        "es": "Llevas {done} horas de {target}.",
        "bn": "আপনি {target} ঘণ্টার মধ্যে {done} ঘণ্টা করেছেন।",
        "ur": "آپ نے {target} میں سے {done} گھنٹے پورے کیے ہیں۔",
        "uk": "Ви відпрацювали {done} год із {target}.",
    },
    "hours_no_plan": {
        "it": "Hai fatto {done} ore. Il tuo piano non è ancora firmato.",
        "en": "You have done {done} hours. Your plan is not signed yet.",
        "fr": "Vous avez fait {done} heures. Votre plan n'est pas encore signé.",
        "ar": "أنجزت {done} ساعة. خطتك لم تُوقَّع بعد.",
        "es": "Llevas {done} horas. Tu plan aun no esta firmado.",
        "bn": "আপনি {done} ঘণ্টা করেছেন। আপনার পরিকল্পনা এখনও স্বাক্ষরিত হয়নি।",
        "ur": "آپ نے {done} گھنٹے پورے کیے ہیں۔ آپ کا منصوبہ ابھی دستخط شدہ نہیں۔",
        "uk": "Ви відпрацювали {done} год. Ваш план ще не підписано.",
    },
    "rsvp_yes": {
        "it": "Grazie, ti aspettiamo!",
        "en": "Thank you, see you there!",
        "fr": "Merci, nous vous attendons !",
        "ar": "شكرًا، ننتظرك!",
        "es": "¡Gracias, te esperamos!",
        "bn": "ধন্যবাদ, আপনার অপেক্ষায় থাকব!",
        "ur": "شکریہ، ہم آپ کا انتظار کریں گے!",
        "uk": "Дякуємо, чекаємо на вас!",
    },
    "rsvp_no": {
        "it": "Grazie per averci avvisato.",
        "en": "Thank you for letting us know.",
        "fr": "Merci de nous avoir prévenus.",
        "ar": "شكرًا لإخبارنا.",
        "es": "Gracias por avisarnos.",
        "bn": "জানানোর জন্য ধন্যবাদ।",
        "ur": "بتانے کا شکریہ۔",
        "uk": "Дякуємо, що повідомили.",
    },
    "staff_reply": {
        "it": "{text}",
    },
    # Reminders and notices: one GSM-7 segment in it/en/fr/es, two UCS-2 at most otherwise.
    "reminder": {
        "it": "{brand}: {when} {project}, {place}. Vieni? 1=SI 2=NO",
        "en": "{brand}: {when} {project}, {place}. Coming? 1=YES 2=NO",
        "fr": "{brand}: {when} {project}, {place}. Vous venez? 1=OUI 2=NON",
        "ar": "{brand}: {when} {project}، {place}. هل ستأتي؟ 1=نعم 2=لا",
        "es": "{brand}: {when} {project}, {place}. ¿Vienes? 1=SI 2=NO",
        "bn": "{brand}: {when} {project}, {place}। আসবেন? 1=হ্যাঁ 2=না",
        "ur": "{brand}: {when} {project}، {place}۔ آئیں گے؟ 1=ہاں 2=نہیں",
        "uk": "{brand}: {when} {project}, {place}. Прийдете? 1=ТАК 2=НІ",
    },
    "session_cancelled": {
        "it": "{brand}: ANNULLATO il turno {when} di {project}. Scusa il disturbo.",
        "en": "{brand}: CANCELLED the shift {when} of {project}. Sorry.",
        "fr": "{brand}: ANNULÉ le créneau {when} de {project}. Désolés.",
        "ar": "{brand}: أُلغيت نوبة {when} في {project}. نعتذر.",
        "es": "{brand}: CANCELADO el turno {when} de {project}. Lo sentimos.",
        "bn": "{brand}: {project}-এর {when} শিফট বাতিল। দুঃখিত।",
        "ur": "{brand}: {project} کی {when} والی شفٹ منسوخ۔ معذرت۔",
        "uk": "{brand}: СКАСОВАНО зміну {when} у {project}. Вибачте.",
    },
    "first_session": {
        "it": "{brand}: il tuo primo turno è {when}! PROSSIMO per sapere dove.",
        "en": "{brand}: your first shift is {when}! NEXT to know where. Good luck!",
        "fr": "{brand}: votre premier créneau: {when} ! PROCHAIN pour savoir où.",
        "ar": "{brand}: أول نوبة لك {when}! أرسل التالي لتعرف المكان. بالتوفيق!",
        "es": "{brand}: tu primer turno: {when}. Escribe SIGUIENTE para saber el lugar.",
        "bn": "{brand}: আপনার প্রথম শিফট {when}! কোথায় জানতে পরবর্তী লিখুন।",
        "ur": "{brand}: آپ کی پہلی شفٹ {when} ہے! جگہ جاننے کے لیے اگلا بھیجیں۔",
        "uk": "{brand}: ваша перша зміна {when}! ДАЛІ, щоб дізнатися де.",
    },
    "half_target": {
        "it": "{brand}: hai fatto metà delle ore del piano ({done} su {target}). Ottimo lavoro!",
        "en": "{brand}: you have done half the hours of your plan ({done} of {target}).",
        "fr": "{brand}: vous avez fait la moitié des heures ({done} sur {target}). Bravo !",
        "ar": "{brand}: أنجزت نصف ساعات خطتك ({done} من {target}). أحسنت!",
        "es": "{brand}: llevas la mitad de las horas de tu plan ({done} de {target}). ¡Muy bien!",
        "bn": "{brand}: পরিকল্পনার অর্ধেক ঘণ্টা শেষ ({target}-এর মধ্যে {done})। চমৎকার!",
        "ur": "{brand}: منصوبے کے آدھے گھنٹے پورے ({target} میں سے {done})۔ شاباش!",
        "uk": "{brand}: ви виконали половину годин плану ({done} із {target}). Чудово!",
    },
    "target_reached": {
        "it": "{brand}: hai raggiunto le {target} ore del tuo piano. Complimenti!",
        "en": "{brand}: you have reached the {target} hours of your plan. Congratulations!",
        "fr": "{brand}: vous avez atteint les {target} heures de votre plan. Bravo !",
        "ar": "{brand}: وصلت إلى {target} ساعة في خطتك. تهانينا!",
        "es": "{brand}: has llegado a las {target} horas de tu plan. ¡Enhorabuena!",
        "bn": "{brand}: আপনি পরিকল্পনার {target} ঘণ্টা পূর্ণ করেছেন। অভিনন্দন!",
        "ur": "{brand}: آپ نے منصوبے کے {target} گھنٹے پورے کر لیے۔ مبارک ہو!",
        "uk": "{brand}: ви виконали всі {target} год свого плану. Вітаємо!",
    },
    # A place freed at a session, offered to the waitlist: it expires, so it says when.
    "offer": {
        "it": "{brand}: posto libero {when} {project}. Lo vuoi? Rispondi 1=SI entro {minutes} min.",
        "en": "{brand}: a place is free {when} {project}. "
        "Want it? Reply 1=YES within {minutes} min.",
        "fr": "{brand}: place libre {when} {project}. Vous la voulez? 1=OUI sous {minutes} min.",
        "ar": "{brand}: مكان شاغر {when} {project}. هل تريده؟ أرسل 1=نعم خلال {minutes} دقيقة.",
        "es": "{brand}: plaza libre {when} {project}. ¿La quieres? Responde 1=SI en {minutes} min.",
        "bn": "{brand}: {when} {project}-এ জায়গা খালি। চান? {minutes} মিনিটে 1=হ্যাঁ লিখুন।",
        "ur": "{brand}: {when} {project} میں جگہ خالی۔ چاہیے؟ {minutes} منٹ میں 1=ہاں بھیجیں۔",
        "uk": "{brand}: вільне місце {when} {project}. Бажаєте? 1=ТАК за {minutes} хв.",
    },
    # Taking a freed place makes the person expected at that session: say when and where.
    "offer_taken": {
        "it": "Il posto è tuo: {when}, {place}. Ti aspettiamo!",
        "en": "The place is yours: {when}, {place}. See you there!",
        "fr": "La place est à vous : {when}, {place}. Nous vous attendons !",
        "ar": "المكان لك: {when}، {place}. ننتظرك!",
        "es": "¡La plaza es tuya: {when}, {place}. Te esperamos!",
        "bn": "জায়গাটি আপনার: {when}, {place}। আপনার অপেক্ষায় থাকব!",
        "ur": "جگہ آپ کی ہے: {when}، {place}۔ ہم آپ کا انتظار کریں گے!",
        "uk": "Місце ваше: {when}, {place}. Чекаємо на вас!",
    },
    "offer_too_late": {
        "it": "Peccato, il posto è già stato preso. Ti avvisiamo la prossima volta.",
        "en": "Sorry, the place has been taken. We will tell you next time.",
        "fr": "Dommage, la place est déjà prise. Nous vous préviendrons la prochaine fois.",
        "ar": "للأسف، أُخذ المكان. سنخبرك في المرة القادمة.",
        "es": "Lo sentimos, la plaza ya se ha ocupado. Te avisaremos otra vez.",
        "bn": "দুঃখিত, জায়গাটি আর খালি নেই। পরের বার জানাব।",
        "ur": "افسوس، جگہ لی جا چکی ہے۔ اگلی بار ہم آپ کو بتائیں گے۔",
        "uk": "На жаль, місце вже зайняте. Повідомимо наступного разу.",
    },
    # A YES after a NO, once the freed place went to someone from the waiting list.
    "place_went": {
        "it": "Il tuo posto del {when} è andato a un'altra persona. Ti avvisiamo se se ne "
        "libera uno.",
        "en": "Your place on {when} went to someone else. We will tell you if one frees up.",
        "fr": "Votre place du {when} est allée à une autre personne. Nous vous préviendrons "
        "si une se libère.",
        "ar": "مكانك في {when} ذهب لشخص آخر. سنخبرك إذا توفر مكان.",
        "es": "Tu plaza del {when} fue para otra persona. Te avisaremos si queda una libre.",
        "bn": "{when}-এর আপনার জায়গাটি অন্য কেউ পেয়েছেন। জায়গা খালি হলে জানাব।",
        "ur": "{when} کی آپ کی جگہ کسی اور کو مل گئی۔ جگہ خالی ہوئی تو بتائیں گے۔",
        "uk": "Ваше місце на {when} отримала інша людина. Повідомимо, якщо звільниться.",
    },
    # Two questions open at once: the 1/2 answer is kept, and this asks which it is for.
    "which_question": {
        "it": "Per quale rispondi? 1={first} 2={second}",
        "en": "Which one is your answer for? 1={first} 2={second}",
        "fr": "Pour laquelle répondez-vous ? 1={first} 2={second}",
        "ar": "لأي سؤال ردك؟ 1={first} 2={second}",
        "es": "¿Para cual es tu respuesta? 1={first} 2={second}",
        "bn": "কোনটির উত্তর? 1={first} 2={second}",
        "ur": "جواب کس کے لیے ہے؟ 1={first} 2={second}",
        "uk": "На яке питання відповідь? 1={first} 2={second}",
    },
    "question_session": {
        "it": "turno {when}",
        "en": "shift {when}",
        "fr": "créneau {when}",
        "ar": "نوبة {when}",
        "es": "el turno {when}",
        "bn": "শিফট {when}",
        "ur": "شفٹ {when}",
        "uk": "зміна {when}",
    },
    "question_offer": {
        "it": "posto libero {when}",
        "en": "free place {when}",
        "fr": "place libre {when}",
        "ar": "مكان شاغر {when}",
        "es": "plaza libre {when}",
        "bn": "খালি জায়গা {when}",
        "ur": "خالی جگہ {when}",
        "uk": "вільне місце {when}",
    },
    "question_event": {
        "it": "incontro {when}",
        "en": "event {when}",
        "fr": "rencontre {when}",
        "ar": "لقاء {when}",
        "es": "encuentro {when}",
        "bn": "অনুষ্ঠান {when}",
        "ur": "تقریب {when}",
        "uk": "зустріч {when}",
    },
    # A text that is not a keyword nor an answer to an open question: staff read it.
    "passed_to_staff": {
        "it": "{brand}: abbiamo passato il tuo messaggio al Comune. Per non ricevere più "
        "SMS scrivi STOP.",
        "en": "{brand}: we passed your message to the staff. To stop all SMS send STOP.",
        "fr": "{brand}: nous avons transmis votre message à la mairie. Pour ne plus "
        "recevoir de SMS, envoyez STOP.",
        "ar": "{brand}: أرسلنا رسالتك إلى البلدية. لإيقاف كل الرسائل أرسل STOP.",
        "es": "{brand}: pasamos tu mensaje al Ayuntamiento. Para no recibir SMS envia STOP.",
        "bn": "{brand}: আপনার বার্তা কর্মীদের পাঠিয়েছি। সব SMS বন্ধ করতে STOP লিখুন।",
        "ur": "{brand}: آپ کا پیغام عملے کو بھیج دیا۔ تمام SMS بند کرنے کے لیے STOP بھیجیں۔",
        "uk": "{brand}: ми передали ваше повідомлення. Щоб не отримувати SMS, надішліть STOP.",
    },
    # The first message from a number after STOP: how to come back (then silence).
    "stopped_info": {
        "it": "{brand}: non ricevi più SMS da noi. Per riceverli di nuovo scrivi START.",
        "en": "{brand}: you get no more SMS from us. To get them again send START.",
        "fr": "{brand}: vous ne recevez plus nos SMS. Pour les recevoir à nouveau, envoyez START.",
        "ar": "{brand}: لن تصلك رسائلنا بعد الآن. لاستلامها من جديد أرسل START.",
        "es": "{brand}: ya no recibes nuestros SMS. Para recibirlos otra vez envia START.",
        "bn": "{brand}: আপনি আর আমাদের SMS পাবেন না। আবার পেতে START লিখুন।",
        "ur": "{brand}: اب آپ کو ہمارے SMS نہیں ملیں گے۔ دوبارہ پانے کے لیے START بھیجیں۔",
        "uk": "{brand}: ви більше не отримуєте наших SMS. Щоб відновити, надішліть START.",
    },
    # Community events.
    "event_invite": {
        "it": "{brand}: {when} {title}, {place}. Vieni? 1=SI 2=NO",
        "en": "{brand}: {when} {title}, {place}. Coming? 1=YES 2=NO",
        "fr": "{brand}: {when} {title}, {place}. Vous venez? 1=OUI 2=NON",
        "ar": "{brand}: {when} {title}، {place}. هل ستأتي؟ 1=نعم 2=لا",
        "es": "{brand}: {when} {title}, {place}. ¿Vienes? 1=SI 2=NO",
        "bn": "{brand}: {when} {title}, {place}। আসবেন? 1=হ্যাঁ 2=না",
        "ur": "{brand}: {when} {title}، {place}۔ آئیں گے؟ 1=ہاں 2=نہیں",
        "uk": "{brand}: {when} {title}, {place}. Прийдете? 1=ТАК 2=НІ",
    },
    "event_reminder": {
        "it": "{brand}: domani {when} {title}, {place}. Ti aspettiamo!",
        "en": "{brand}: tomorrow {when} {title}, {place}. See you there!",
        "fr": "{brand}: demain {when} {title}, {place}. Nous vous attendons !",
        "ar": "{brand}: غدًا {when} {title}، {place}. ننتظرك!",
        "es": "{brand}: mañana {when} {title}, {place}. ¡Te esperamos!",
        "bn": "{brand}: আগামীকাল {when} {title}, {place}। আপনার অপেক্ষায় থাকব!",
        "ur": "{brand}: کل {when} {title}، {place}۔ ہم آپ کے منتظر ہیں!",
        "uk": "{brand}: завтра {when} {title}, {place}. Чекаємо на вас!",
    },
    "event_cancelled": {
        "it": "{brand}: ANNULLATO {title} di {when}. Ci scusiamo.",
        "en": "{brand}: CANCELLED {title} on {when}. Sorry.",
        "fr": "{brand}: ANNULÉ {title} du {when}. Désolés.",
        "ar": "{brand}: أُلغي {title} يوم {when}. نعتذر.",
        "es": "{brand}: CANCELADO {title} del {when}. Lo sentimos.",
        "bn": "{brand}: {when}-এর {title} বাতিল। দুঃখিত।",
        "ur": "{brand}: {when} کا {title} منسوخ۔ معذرت۔",
        "uk": "{brand}: СКАСОВАНО {title} {when}. Вибачте.",
    },
    "event_changed": {
        "it": "{brand}: CAMBIO {title}: ora {when}, {place}. Vieni? 1=SI 2=NO",
        "en": "{brand}: CHANGED {title}: now {when}, {place}. Coming? 1=YES 2=NO",
        "fr": "{brand}: MODIFIÉ {title}: désormais {when}, {place}. Vous venez? 1=OUI 2=NON",
        "ar": "{brand}: تغيير {title}: الموعد الجديد {when}، {place}. هل ستأتي؟ 1=نعم 2=لا",
        "es": "{brand}: CAMBIO {title}: ahora {when}, {place}. ¿Vienes? 1=SI 2=NO",
        "bn": "{brand}: পরিবর্তন {title}: এখন {when}, {place}। আসবেন? 1=হ্যাঁ 2=না",
        "ur": "{brand}: تبدیلی {title}: اب {when}، {place}۔ آئیں گے؟ 1=ہاں 2=نہیں",
        "uk": "{brand}: ЗМІНА {title}: тепер {when}, {place}. Прийдете? 1=ТАК 2=НІ",
    },
    "event_series_changed": {
        "it": "{brand}: CAMBIO {title}: da {when} in poi, {place}.",
        "en": "{brand}: CHANGED {title}: from {when} on, {place}.",
        "fr": "{brand}: MODIFIÉ {title}: à partir du {when}, {place}.",
        "ar": "{brand}: تغيير {title}: ابتداءً من {when}، {place}.",
        "es": "{brand}: CAMBIO {title}: desde el {when}, {place}.",
        "bn": "{brand}: পরিবর্তন {title}: {when} থেকে, {place}।",
        "ur": "{brand}: تبدیلی {title}: {when} سے، {place}۔",
        "uk": "{brand}: ЗМІНА {title}: з {when}, {place}.",
    },
    # Casework referrals (casework.reminders). A health or mental-health service is never
    # named: the *_private texts give only the time and the place (a phone is not private).
    "referral_appointment": {
        "it": "{brand}: hai un appuntamento {when} con {service}, {place}.",
        "en": "{brand}: you have an appointment {when} with {service}, {place}.",
        "fr": "{brand}: vous avez rendez-vous {when} avec {service}, {place}.",
        "ar": "{brand}: لديك موعد {when} مع {service}، {place}.",
        "es": "{brand}: tienes una cita {when} con {service}, {place}.",
        "bn": "{brand}: {service}-এর সাথে আপনার সাক্ষাৎ {when}, {place}।",
        "ur": "{brand}: {service} کے ساتھ آپ کی ملاقات {when}، {place}۔",
        "uk": "{brand}: ваш прийом {when}: {service}, {place}.",
    },
    "referral_appointment_private": {
        "it": "{brand}: hai un appuntamento {when}, {place}.",
        "en": "{brand}: you have an appointment {when}, {place}.",
        "fr": "{brand}: vous avez rendez-vous {when}, {place}.",
        "ar": "{brand}: لديك موعد {when}، {place}.",
        "es": "{brand}: tienes una cita {when}, {place}.",
        "bn": "{brand}: আপনার সাক্ষাৎ {when}, {place}।",
        "ur": "{brand}: آپ کی ملاقات {when}، {place}۔",
        "uk": "{brand}: ваш прийом {when}, {place}.",
    },
    "referral_reminder": {
        "it": "{brand}: promemoria, appuntamento {when} con {service}, {place}.",
        "en": "{brand}: reminder, appointment {when} with {service}, {place}.",
        "fr": "{brand}: rappel, rendez-vous {when} avec {service}, {place}.",
        "ar": "{brand}: تذكير: موعدك {when} مع {service}، {place}.",
        "es": "{brand}: recordatorio, cita {when} con {service}, {place}.",
        "bn": "{brand}: মনে রাখবেন: {service}-এর সাথে সাক্ষাৎ {when}, {place}।",
        "ur": "{brand}: یاد دہانی: {service} کے ساتھ ملاقات {when}، {place}۔",
        "uk": "{brand}: нагадування: прийом {when}: {service}, {place}.",
    },
    "referral_reminder_private": {
        "it": "{brand}: promemoria, appuntamento {when}, {place}.",
        "en": "{brand}: reminder, appointment {when}, {place}.",
        "fr": "{brand}: rappel, rendez-vous {when}, {place}.",
        "ar": "{brand}: تذكير: موعدك {when}، {place}.",
        "es": "{brand}: recordatorio, cita {when}, {place}.",
        "bn": "{brand}: মনে রাখবেন: সাক্ষাৎ {when}, {place}।",
        "ur": "{brand}: یاد دہانی: ملاقات {when}، {place}۔",
        "uk": "{brand}: нагадування: прийом {when}, {place}.",
    },
    "referral_civic_welcome": {
        "it": "{brand}: ora fai parte del programma di impegno civico. Entra col tuo numero "
        "su {site} e scegli un progetto.",
        "en": "{brand}: you are now in the civic engagement programme. Log in with your "
        "number at {site} and pick a project.",
        "fr": "{brand}: vous participez au programme d'engagement civique. Entrez votre "
        "numéro sur {site} et choisissez un projet.",
        "ar": "{brand}: أنت الآن في برنامج المشاركة المدنية. ادخل برقمك على {site} واختر مشروعًا.",
        "es": "{brand}: ahora formas parte del programa de compromiso ciudadano. Entra con "
        "tu teléfono en {site} y elige un proyecto.",
        "bn": "{brand}: আপনি এখন নাগরিক অংশগ্রহণ কর্মসূচিতে। {site}-এ নম্বর দিয়ে ঢুকে প্রকল্প বেছে নিন।",
        "ur": "{brand}: اب آپ شہری شمولیت کے پروگرام میں ہیں۔ {site} پر اپنے نمبر سے داخل ہو کر "
        "پروجیکٹ چنیں۔",
        "uk": "{brand}: тепер ви в програмі громадської участі. Увійдіть зі своїм номером "
        "на {site} й оберіть проєкт.",
    },
    # Said on a call (sms/voice.py, conversation/voice.py), written for listening: no
    # signature prefix, no keywords to type, the date said in full.
    "voice_reminder": {
        "it": "Ciao, ti chiama {brand}. Ti ricordiamo il turno di {project}, {when}, in {place}.",
        "en": "Hello, this is {brand}. A reminder of your shift at {project}, {when}, at {place}.",
        "fr": "Bonjour, ici {brand}. Rappel de votre créneau à {project}, {when}, à {place}.",
        "ar": "مرحبًا، معك {brand}. نذكّرك بنوبتك في {project}، {when}، في {place}.",
        "es": "Hola, te llama {brand}. Te recordamos tu turno en {project}, {when}, en {place}.",
        "bn": "নমস্কার, {brand} থেকে বলছি। মনে করিয়ে দিচ্ছি: {project}-এ আপনার শিফট {when}, {place}-এ।",
        "ur": "السلام علیکم، یہ {brand} ہے۔ یاد دہانی: {project} میں آپ کی شفٹ {when}، {place} "
        "میں۔",
        "uk": "Добрий день, це {brand}. Нагадуємо про вашу зміну в {project}, {when}, {place}.",
    },
    "voice_offer": {
        "it": "Ciao, ti chiama {brand}. Si è liberato un posto per {project}, {when}. Puoi "
        "prenderlo entro {minutes} minuti.",
        "en": "Hello, this is {brand}. A place is free at {project}, {when}. You can take it "
        "within {minutes} minutes.",
        "fr": "Bonjour, ici {brand}. Une place est libre à {project}, {when}. Vous pouvez la "
        "prendre sous {minutes} minutes.",
        "ar": "مرحبًا، معك {brand}. يوجد مكان شاغر في {project}، {when}. يمكنك أخذه خلال "
        "{minutes} دقيقة.",
        "es": "Hola, te llama {brand}. Hay una plaza libre en {project}, {when}. Puedes tomarla "
        "en {minutes} minutos.",
        "bn": "নমস্কার, {brand} থেকে বলছি। {project}-এ {when} একটি জায়গা খালি। {minutes} মিনিটের "
        "মধ্যে নিতে পারেন।",
        "ur": "السلام علیکم، یہ {brand} ہے۔ {project} میں {when} ایک جگہ خالی ہے۔ {minutes} منٹ "
        "میں لے سکتے ہیں۔",
        "uk": "Добрий день, це {brand}. Є вільне місце в {project}, {when}. Можете його взяти "
        "протягом {minutes} хв.",
    },
    "voice_event_reminder": {
        "it": "Ciao, ti chiama {brand}. Ti ricordiamo {title}, {when}, in {place}. Ti aspettiamo!",
        "en": "Hello, this is {brand}. A reminder: {title}, {when}, at {place}. See you there!",
        "fr": "Bonjour, ici {brand}. Rappel : {title}, {when}, à {place}. Nous vous attendons !",
        "ar": "مرحبًا، معك {brand}. تذكير: {title}، {when}، في {place}. ننتظرك!",
        "es": "Hola, te llama {brand}. Te recordamos: {title}, {when}, en {place}. ¡Te esperamos!",
        "bn": "নমস্কার, {brand} থেকে বলছি। মনে করিয়ে দিচ্ছি: {title}, {when}, {place}। আপনার "
        "অপেক্ষায় থাকব!",
        "ur": "السلام علیکم، یہ {brand} ہے۔ یاد دہانی: {title}، {when}، {place}۔ ہم آپ کے منتظر "
        "ہیں!",
        "uk": "Добрий день, це {brand}. Нагадуємо: {title}, {when}, {place}. Чекаємо на вас!",
    },
    # A call may be heard by others: it names no service.
    "voice_appointment": {
        "it": "Ciao, ti chiama {brand}. Hai un appuntamento {when}, in {place}.",
        "en": "Hello, this is {brand}. You have an appointment {when}, at {place}.",
        "fr": "Bonjour, ici {brand}. Vous avez rendez-vous {when}, à {place}.",
        "ar": "مرحبًا، معك {brand}. لديك موعد {when}، في {place}.",
        "es": "Hola, te llama {brand}. Tienes una cita {when}, en {place}.",
        "bn": "নমস্কার, {brand} থেকে বলছি। আপনার সাক্ষাৎ {when}, {place}-এ।",
        "ur": "السلام علیکم، یہ {brand} ہے۔ آپ کی ملاقات {when}، {place} میں ہے۔",
        "uk": "Добрий день, це {brand}. У вас прийом {when}, {place}.",
    },
    "voice_press": {
        "it": "Premi 1 per confermare, 2 per rifiutare.",
        "en": "Press 1 to confirm, 2 to decline.",
        "fr": "Appuyez sur 1 pour confirmer, sur 2 pour refuser.",
        "ar": "اضغط 1 للتأكيد، أو 2 للرفض.",
        "es": "Pulsa 1 para confirmar, 2 para rechazar.",
        "bn": "নিশ্চিত করতে 1 চাপুন, না করতে 2 চাপুন।",
        "ur": "تصدیق کے لیے 1 دبائیں، انکار کے لیے 2 دبائیں۔",
        "uk": "Натисніть 1, щоб підтвердити, або 2, щоб відмовитися.",
    },
    "voice_sorry": {
        "it": "Scusa, non ho capito.",
        "en": "Sorry, I did not understand.",
        "fr": "Pardon, je n'ai pas compris.",
        "ar": "عذرًا، لم أفهم.",
        "es": "Perdona, no te he entendido.",
        "bn": "দুঃখিত, বুঝতে পারিনি।",
        "ur": "معاف کیجیے، سمجھ نہیں آیا۔",
        "uk": "Вибачте, не вдалося розпізнати.",
    },
    "voice_goodbye": {
        "it": "Grazie, arrivederci.",
        "en": "Thank you, goodbye.",
        "fr": "Merci, au revoir.",
        "ar": "شكرًا، مع السلامة.",
        "es": "Gracias, hasta pronto.",
        "bn": "ধন্যবাদ, বিদায়।",
        "ur": "شکریہ، خدا حافظ۔",
        "uk": "Дякуємо, до побачення.",
    },
    # A key pressed for a question that has closed (the session began, the offer lapsed).
    "voice_closed": {
        "it": "Questa domanda non è più aperta. Arrivederci.",
        "en": "This question is no longer open. Goodbye.",
        "fr": "Cette question n'est plus ouverte. Au revoir.",
        "ar": "هذا السؤال لم يعد مفتوحًا. مع السلامة.",
        "es": "Esta pregunta ya se ha cerrado. Hasta pronto.",
        "bn": "এই প্রশ্নটি আর খোলা নেই। বিদায়।",
        "ur": "یہ سوال اب کھلا نہیں ہے۔ خدا حافظ۔",
        "uk": "Це питання вже закрите. До побачення.",
    },
}


def sms_language(language: str | None) -> str:
    """The language SMS are written in for someone who chose `language` (Italian if none)."""
    return language if language in SMS_LANGUAGES else "it"


def sms_brand() -> str:
    """The name SMS are signed with (`{brand}`): the app's SMS_BRAND, "civic_app" by default."""
    return current_brand().sms_name


def render_sms(template: str, language: str, /, **values) -> str:
    """The text of `template` in `language`, falling back to Italian, signed with the brand."""
    texts = TEMPLATES[template]
    return texts.get(language, texts["it"]).format(**(values | {"brand": sms_brand()}))


#: How SMS show a date: short weekday, day/month and time, e.g. "mar 10/03 09:00".
WHEN_FORMAT = "EEE d/MM HH:mm"
NUMBER_FORMAT = "#,##0.##"


def fold_to_gsm7(text: str) -> str:
    """`text` without the accents GSM-7 lacks ("sáb" -> "sab"); other characters kept."""
    out = []
    for ch in text:
        if not is_gsm7(ch):
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            ch = bare if bare and is_gsm7(bare) else ch
        out.append(ch)
    return "".join(out)


def _fit(text: str, language: str) -> str:
    # One accented weekday ("sáb") must not turn a Spanish reminder into UCS-2.
    return fold_to_gsm7(text) if language in GSM_LANGUAGES else text


def sms_when(moment: datetime, language: str | None, pattern: str = WHEN_FORMAT) -> str:
    """`moment` in Rome time as an SMS in `language` shows it (Babel's data, not the web
    catalogs: every SMS language has its weekday names). Needs an app context."""
    from flask_babel import force_locale, format_datetime

    language = sms_language(language)
    with force_locale(language):
        return _fit(format_datetime(moment, pattern), language)


def sms_number(value, language: str | None) -> str:
    """A number of hours as an SMS in `language` writes it ("12,5" in Italian)."""
    from flask_babel import force_locale, format_decimal

    language = sms_language(language)
    with force_locale(language):
        return format_decimal(value, NUMBER_FORMAT)


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
    "minutes": "120",
    "title": "Festa di quartiere",
    "first": "turno mar 10/03 09:00",
    "second": "posto libero mer 11/03 09:00",
    "service": "Sportello legale Diritti",
    "site": "civic.comune.roma.it",
    "brand": "civic_app",
}


def typical_values(language: str, brand: str | None = None) -> dict[str, str]:
    """TYPICAL_VALUES with the date as `language` writes it, on its longest weekday, and
    `brand` (default: this app's SMS signature) as the signature."""
    language = sms_language(language)
    week = (datetime(2026, 3, 9 + day, 9, 0) for day in range(7))
    when = max(
        (_fit(babel_format_datetime(day, WHEN_FORMAT, locale=language), language) for day in week),
        key=len,
    )
    return TYPICAL_VALUES | {"when": when, "brand": brand or sms_brand()}
