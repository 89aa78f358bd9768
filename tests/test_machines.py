"""Machine tables: the state names of the domain contract, and the shared validator."""

from __future__ import annotations

import copy

import pytest

from sim.engine.machines import RUNNERS
from sim.engine.rules import RULES
from sim.events.catalogue import CATALOGUE
from statemachines import ALL_MACHINES, MachineDefinitionError, state_names, trigger_names, validate

# domain.md section 3, verbatim: these names are the scenario vocabulary.
DOMAIN_STATES = {
    "sim": ["Issued", "Activated", "Suspended", "Factory Test", "Deleted"],
    "sim_assignment": ["Assigned", "Unassigned"],
    "endpoint": ["Enabled", "Disabled"],
    "policy": ["Unblocked", "Blocked"],
    "network": ["Detached", "IMSI Attached", "GPRS Attached", "Combined Attached"],
    "pdp": ["Disconnected", "Connected"],
    "data_quota": ["None", "Active", "Exhausted", "Expired"],
    "sms_quota": ["None", "Active", "Exhausted", "Expired"],
    "organisation": ["Active", "Blocked"],
    "data_quota_management": ["Disabled", "Enabled"],
    "sms_quota_management": ["Disabled", "Enabled"],
}
#: Triggers no event fires: the platform unblocks and refills with no event of its own.
SET_ONLY = {("policy", "unblock"), ("organisation", "unblock"), ("data_quota", "refill")}


@pytest.mark.parametrize("machine", sorted(DOMAIN_STATES))
def test_states_are_the_domain_names_initial_first(machine: str) -> None:
    assert state_names(ALL_MACHINES[machine]) == DOMAIN_STATES[machine]
    assert ALL_MACHINES[machine]["initial"] == DOMAIN_STATES[machine][0]


@pytest.mark.parametrize("machine", sorted(ALL_MACHINES))
def test_every_trigger_is_fired_by_an_event_or_a_rule(machine: str) -> None:
    fired = {t for e in CATALOGUE.values() for eff in e.effects.values() for t in eff.triggers}
    fired |= {t for rule in RULES for t in rule.effects}
    for trigger in trigger_names(ALL_MACHINES[machine]):
        assert (machine, trigger) in fired or (machine, trigger) in SET_ONLY, trigger


def test_runners_use_transitions_and_refuse_what_the_table_does_not_allow() -> None:
    sim = RUNNERS["sim"]
    assert sim.fire("Activated", "suspend") == "Suspended"
    assert sim.fire("Deleted", "activate") is None
    assert sim.fire("Activated", "activate") == "Activated"  # a no-op, not an error
    assert RUNNERS["pdp"].reported_state("create") == "Connected"
    assert RUNNERS["network"].reported_state("attach_cs") is None  # depends on the source


def _table() -> dict:
    return copy.deepcopy(ALL_MACHINES["pdp"])


def _unknown_dest(t: dict) -> None:
    t["transitions"][0]["dest"] = "Conected"


def _unreachable(t: dict) -> None:
    t["states"].append("Dormant")
    t["transitions"].append({"trigger": "wake", "source": "Dormant", "dest": "Connected"})


def _trap(t: dict) -> None:
    t["states"].append("Stuck")
    t["transitions"].append({"trigger": "stick", "source": "Connected", "dest": "Stuck"})


def _final_with_exit(t: dict) -> None:
    t["states"][1] = {"name": "Connected", "final": True}


def _bad_initial(t: dict) -> None:
    t["initial"] = "Nowhere"


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (_unknown_dest, "unknown state 'Conected'"),
        (_unreachable, "unreachable states: Dormant"),
        (_trap, "no way out that are not declared final: ['Stuck']"),
        (_final_with_exit, "final states with outgoing transitions: ['Connected']"),
        (_bad_initial, "initial state 'Nowhere' is not a declared state"),
    ],
)
def test_validator_names_the_machine_and_the_problem(breakage, message: str) -> None:
    table = _table()
    breakage(table)
    with pytest.raises(MachineDefinitionError, match="machine 'pdp'") as caught:
        validate(table)
    assert message in str(caught.value)
