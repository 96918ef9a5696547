"""Where a number's conversation stands: the states of Conversation.state."""

import enum


class State(enum.StrEnum):
    """Where a number's conversation stands (Conversation.state)."""

    IDLE = "idle"
    SIGNUP_LANGUAGE = "signup_language"
    SIGNUP_NAME = "signup_name"
    SIGNUP_MUNICIPALITY = "signup_municipality"
    SIGNUP_SECTOR = "signup_sector"
    SIGNUP_BIRTH_YEAR = "signup_birth_year"
    SIGNUP_CONFIRM = "signup_confirm"
    #: Two questions were open: the answer is kept, the person picks which it is for.
    CHOOSE_QUESTION = "choose_question"
    #: PROJECTS listed projects: a number asks to join one (conversation/projects.py).
    PICK_PROJECT = "pick_project"


SIGNING_UP = frozenset(
    {
        State.SIGNUP_LANGUAGE,
        State.SIGNUP_NAME,
        State.SIGNUP_MUNICIPALITY,
        State.SIGNUP_SECTOR,
        State.SIGNUP_BIRTH_YEAR,
        State.SIGNUP_CONFIRM,
    }
)
