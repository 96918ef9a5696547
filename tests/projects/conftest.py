def project_form(**overrides) -> dict:
    """What a staff member types in the project form."""
    data = {
        "title": "Orti condivisi",
        "description": "Coltiviamo gli orti del quartiere.",
        "sector": "green",
        "venue_id": "0",
        "address": "Via degli Orti 3",
        "capacity": "12",
        "min_age": "18",
        "languages": ["it", "ar"],
        "start_date": "2026-03-01",
        "end_date": "2026-06-30",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
