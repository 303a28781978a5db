"""Pages of the members app, one module per subject; `members.urls` maps them."""
