"""Referrals from a case to a care service, and the steps of their status."""


def referrals_of(intake) -> list:
    return []


def referral_form_for(intake):
    return None
