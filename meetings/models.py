"""三会一课 records, attendance and the compliance calendar (SPEC §4)."""
