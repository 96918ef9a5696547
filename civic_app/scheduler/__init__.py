"""The scheduler: the one list of periodic jobs and how they run."""
