"""`flask seed scale`: a large, realistic and deterministic data set for load tests.

The entry point: one coordinator, then each municipality (`scale_municipality`, then
`scale_casework` and `scale_housing`), its rows inserted and committed before the next.
Sizes, rows and the bulk insert are in `bulk`."""

import random
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from civic_app.attendance import summary
from civic_app.core.consent import CONSENT_TEXTS, consent_text
from civic_app.core.network import NETWORK
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_zone, to_local
from civic_app.extensions import db
from civic_app.people.operations import set_password
from civic_app.seeding.bulk import (
    EMAIL_DOMAIN,
    LANGUAGES,
    Context,
    Rows,
    Sizes,
    after_bulk_insert,
    split,
    user_row,
)
from civic_app.seeding.scale_casework import intake_total, seed_casework
from civic_app.seeding.scale_housing import housing_sizes, seed_housing
from civic_app.seeding.scale_municipality import seed_municipality


def seed_scale(
    factor: float, *, seed: int, now: datetime, password: str, progress=None
) -> dict[str, int]:
    """Insert the data set for `factor`; returns rows inserted per table. Commits.

    `progress(n)` is called after each municipality.
    """

    sizes = Sizes.for_factor(factor)
    account = SimpleNamespace()
    set_password(account, password)  # one hash for every seeded account: fast and known
    texts = {
        (purpose, language): consent_text(purpose, language)
        for purpose in CONSENT_TEXTS
        for language in set(LANGUAGES)
    }
    ctx = Context(
        seed=seed,
        today=to_local(now).date(),
        zone=local_zone(),
        password_hash=account.password_hash,
        rows=Rows(),
        consent_texts=texts,
    )
    plan_rng = random.Random(f"civic-scale:{seed}")  # noqa: S311 - test data, not security
    weights = [plan_rng.uniform(0.6, 1.6) for _ in range(sizes.municipalities)]
    people = split(sizes.participants, weights)
    plans = split(sizes.plans, people)
    intakes = split(intake_total(factor, sizes.municipalities), weights)
    housed, dwellings = housing_sizes(factor, intakes)
    _coordinator(ctx)
    for index in range(sizes.municipalities):
        rng = random.Random(f"civic-scale:{seed}:{index}")  # noqa: S311
        m = seed_municipality(ctx, rng, _municipality(ctx, index), people[index], plans[index])
        case_rng = random.Random(f"civic-scale:{seed}:{index}:casework")  # noqa: S311
        seed_casework(ctx, case_rng, m, intakes[index])
        housing_rng = random.Random(f"civic-scale:{seed}:{index}:housing")  # noqa: S311
        seed_housing(ctx, housing_rng, m, housed[index], dwellings[index])
        ctx.rows.flush()
        db.session.commit()
        if progress:
            progress(1)
    summary.rebuild()  # the monthly attendance summary, once after every mark is in
    db.session.commit()
    after_bulk_insert()
    return dict(sorted(ctx.rows.inserted.items()))


def _coordinator(ctx: Context) -> None:
    ctx.rows.add(
        "user",
        user_row(
            ctx,
            Role.COORDINATOR,
            None,
            "Nadia",
            "Coordinatrice",
            email=f"coordinator@{EMAIL_DOMAIN}",
            at=ctx.utc(ctx.today - timedelta(days=365), time(9)),
        ),
    )


def _municipality(ctx: Context, index: int) -> dict:
    slug, name, region, istat = NETWORK[index % len(NETWORK)]
    round_ = index // len(NETWORK) + 1
    at = ctx.utc(ctx.today - timedelta(days=365), time(8))
    row = {
        "slug": slug if round_ == 1 else f"{slug}-{round_}",
        "name": name if round_ == 1 else f"{name} {round_}",
        "region": region,
        "istat_code": istat if round_ == 1 else None,
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "reminder_hours": "24,2",
        "created_at": at,
        "updated_at": at,
    }
    ctx.rows.add("municipality", row)
    return row
