"""Case notes: written by the case team, read on a need-to-know basis, every read audited."""


def notes_for(user, intake) -> list:
    """The notes of `intake` that `user` may read; each read is audited."""
    return []


def note_form_for(user, intake):
    return None
