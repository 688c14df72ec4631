"""Demo and test sandboxes of the billing tools (moved out of billabex_core)."""
