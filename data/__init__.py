"""Reference tables the product ships (code lists under reference/), read as package data."""
