"""Scorecards, the scoring engine and the acceptance campaign (SPEC §6)."""
