"""Pages of the meetings app, one module per subject; `meetings.urls` maps them.

Access is decided by `branches.scoping` only (`access`): a branch the user
cannot see is 404, one they can see but not edit is 403."""
