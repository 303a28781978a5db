"""The 3本6盒1证 archive (SPEC §5)."""
