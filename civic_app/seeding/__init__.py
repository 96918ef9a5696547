"""Seeding: the demo data of `flask seed demo` and the scale data set of `flask seed scale`.

Used only by the CLI, the benchmarks and the tests; nothing in the product imports it.
One module per feature: demo_people, demo_projects, demo_events, demo_history (four
months of attendance, plans, events and SMS), demo_casework (units, care services, case
team, intakes, referrals, notes), demo_housing (dwellings, works, housing measures,
placements); the scale data set is `scale` (the entry), `bulk`
(sizes, rows, bulk insert), `scale_municipality` (accounts, projects, sessions,
participants, enrolments), `scale_attendance`, `scale_plans`, `scale_events`,
`scale_messages`, `scale_casework` and `scale_housing`.
"""
