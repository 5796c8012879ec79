"""Pure rules of the app (no Django)."""
