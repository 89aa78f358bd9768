"""Events: the catalogue of event types, reading payloads, and building them."""
