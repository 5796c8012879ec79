"""Test support only: the shared personas and factories, database helpers, browser and screenshot
helpers. No app imports it."""
