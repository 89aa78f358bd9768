"""The engine: device state, rules, steps, the fleet. Pure: no I/O."""
