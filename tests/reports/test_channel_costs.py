"""The SMS section of the municipal dashboard: what went by each channel, and what it
cost at the configured prices (WhatsApp templates priced apart from free text)."""

from datetime import date
from decimal import Decimal

from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import collect
from civic_app.reports.period import Period
from civic_app.sms.models import Direction, Message, Status
from tests.reports.test_dashboards import cells

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 31))


def went(db, municipality, clock, channel, n, *, segments=1, meta=None, sid=True):
    for _ in range(n):
        went.count = getattr(went, "count", 0) + 1
        db.session.add(
            Message(
                direction=Direction.OUT, phone="+393471234567", body="x", kind="reminder",
                channel=channel, status=Status.DELIVERED, segments=segments, meta=meta,
                provider_sid=f"SM{went.count:032d}" if sid else None,
                municipality_id=municipality.id, created_at=clock.now(),
            )
        )  # fmt: skip
    db.session.commit()


def test_costs_by_channel_at_the_configured_prices(
    app, db, client, login_as, staff, municipality, clock, monkeypatch, other_municipality
):
    prices = {"PRICE_SMS_SEGMENT": "0.10", "PRICE_WHATSAPP_TEMPLATE": "0.05",
              "PRICE_WHATSAPP_SESSION": "0.01", "PRICE_VOICE_CALL": "0.20"}  # fmt: skip
    for key, value in prices.items():
        monkeypatch.setitem(app.config, key, value)
    went(db, municipality, clock, "sms", 3, segments=2)
    went(db, municipality, clock, "sms", 2, sid=False)  # refused: never went, costs nothing
    went(db, municipality, clock, "whatsapp", 2, meta={"content_sid": "HX" + "a" * 32})
    went(db, municipality, clock, "whatsapp", 4, meta={"whatsapp": "free_text"})
    went(db, municipality, clock, "voice", 1)
    went(db, other_municipality, clock, "voice", 5)  # another municipality's
    with app.test_request_context():
        board = Dashboard(collect(PERIOD, clock.now(), municipality_id=municipality.id),
                          municipality.id)  # fmt: skip
        rows = {row.channel: row for row in board.channel_costs(app.config)}
    assert (rows["sms"].messages, rows["sms"].segments, rows["sms"].cost) == (
        3, 6, Decimal("0.60")
    )  # fmt: skip
    assert (rows["whatsapp"].messages, rows["whatsapp"].templates) == (6, 2)
    assert rows["whatsapp"].cost == Decimal("0.14")  # 2 x 0.05 + 4 x 0.01
    assert (rows["voice"].messages, rows["voice"].cost) == (1, Decimal("0.20"))

    login_as(staff)
    body = client.get("/staff/reports?date_from=2026-03-01&date_to=2026-03-31").get_data(
        as_text=True
    )
    table = cells(body, "channel-costs")
    assert table["SMS"] == ["3", "6", "–", "0,60\xa0€"]
    assert table["WhatsApp"] == ["6", "–", "2", "0,14\xa0€"]
    assert table["Chiamata vocale"] == ["1", "–", "–", "0,20\xa0€"]


def test_a_bad_price_costs_nothing_rather_than_a_500(app, client, login_as, staff, monkeypatch):
    monkeypatch.setitem(app.config, "PRICE_SMS_SEGMENT", "tanto")
    login_as(staff)
    assert client.get("/staff/reports").status_code == 200
