"""What a caseworker should look at today."""


def worklist(municipality_id: int, now) -> dict:
    return {}
