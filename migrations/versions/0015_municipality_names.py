"""municipalities' names in other languages and scripts: municipality.names

Revision ID: 0015_municipality_names
Revises: 0014_event_changes
Create Date: 2026-12-07 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_municipality_names"
down_revision = "0014_event_changes"
branch_labels = None
depends_on = None

#: The names of the network's municipalities as they were when this revision was written
#: (civic_app.core.network.NAMES); a migration keeps its own copy of the data it writes.
NAMES = {
    "agrigento": {"fr": "Agrigente", "ar": "أغريجنتو", "bn": "আগ্রিজেন্তো", "ur": "اگریجنتو",
                  "uk": "Агрідженто"},
    "bologna": {"fr": "Bologne", "ar": "بولونيا", "es": "Bolonia", "bn": "বোলোনিয়া",
                "ur": "بولونیا", "uk": "Болонья"},
    "bolzano": {"ar": "بولزانو", "bn": "বোলজানো", "ur": "بولزانو", "uk": "Больцано"},
    "caserta": {"fr": "Caserte", "ar": "كازيرتا", "bn": "কাসের্তা", "ur": "کاسیرتا",
                "uk": "Казерта"},
    "catania": {"fr": "Catane", "ar": "كاتانيا", "bn": "কাতানিয়া", "ur": "کاتانیا",
                "uk": "Катанія"},
    "firenze": {"en": "Florence", "fr": "Florence", "ar": "فلورنسا", "es": "Florencia",
                "bn": "ফ্লোরেন্স", "ur": "فلورنس", "uk": "Флоренція"},
    "genova": {"en": "Genoa", "fr": "Gênes", "ar": "جنوة", "es": "Génova", "bn": "জেনোয়া",
               "ur": "جینوا", "uk": "Генуя"},
    "latina": {"ar": "لاتينا", "bn": "লাতিনা", "ur": "لاتینا", "uk": "Латина"},
    "milano": {"en": "Milan", "fr": "Milan", "ar": "ميلانو", "es": "Milán", "bn": "মিলান",
               "ur": "میلان", "uk": "Мілан"},
    "napoli": {"en": "Naples", "fr": "Naples", "ar": "نابولي", "es": "Nápoles",
               "bn": "নাপোলি", "ur": "نیپلز", "uk": "Неаполь"},
    "palermo": {"fr": "Palerme", "ar": "باليرمو", "bn": "পালের্মো", "ur": "پالیرمو",
                "uk": "Палермо"},
    "perugia": {"fr": "Pérouse", "ar": "بيروجيا", "bn": "পেরুজা", "ur": "پیروجا",
                "uk": "Перуджа"},
    "potenza": {"ar": "بوتينزا", "bn": "পোতেনৎসা", "ur": "پوتینزا", "uk": "Потенца"},
    "roma": {"en": "Rome", "fr": "Rome", "ar": "روما", "bn": "রোম", "ur": "روم",
             "uk": "Рим"},
    "sassari": {"ar": "ساساري", "bn": "সাসারি", "ur": "ساساری", "uk": "Сассарі"},
    "taranto": {"fr": "Tarente", "ar": "تارانتو", "es": "Tarento", "bn": "তারান্তো",
                "ur": "تارانتو", "uk": "Таранто"},
    "torino": {"en": "Turin", "fr": "Turin", "ar": "تورينو", "es": "Turín", "bn": "তুরিন",
               "ur": "تورین", "uk": "Турин"},
    "trieste": {"ar": "تريستي", "bn": "ত্রিয়েস্তে", "ur": "تریست", "uk": "Трієст"},
}  # fmt: skip


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=False, server_default="{}"))
    municipality = sa.table(
        "municipality", sa.column("slug", sa.String), sa.column("names", sa.JSON)
    )
    bind = op.get_bind()
    for slug, names in NAMES.items():
        bind.execute(municipality.update().where(municipality.c.slug == slug).values(names=names))


def downgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("names")
