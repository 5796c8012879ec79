"""The pure rules of honours: quotas, nomination states, terms and yearly obligations (no Django)."""
