"""Events: what every event type means (the catalogue), reading payloads, and building them.

``catalogue`` owns the semantics of every type id: variants, subject, timers, follow-ups,
refusal reasons and sample payload parts; ``semantics`` says what a row holds and numbers the
rows; ``parse`` and ``payload`` read the platform's JSON leniently into an ``Event``; ``build``
is the inverse. This room may import ``statemachines`` (to check triggers) and
``sim.errors``; nothing else of the package.
"""
