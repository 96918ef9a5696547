"""Plans: enrolments in projects, waitlists and individual civic-engagement plans."""
