"""A generated device: its identity, its script, and the steps that carry out what it tries.

Each step runs at its moment of virtual time and asks the generator to send events, which the
model may refuse (``Generation.send`` sends only what it allows). A registration
is Update location then Update GPRS location a moment later; roaming is purged by the old
network, registered on the new; a session is Create PDP Context (or the refusal the model
gives), Update PDP Context now and then, and Delete PDP Context with the volume it carried,
unless the data quota runs out first: Quota threshold reached, Quota used up, and the
platform's follow-ups from the model's rules.
"""

from __future__ import annotations

from sim.engine.views import refusal_reason
from sim.events.catalogue import KIND_IDS, UNKNOWN_REFUSAL, Kind
from sim.traffic.behaviours import ATTACH, PURGE, ROAM, SESSION, Intent, Script
from sim.traffic.generator import DELETE, Generation
from sim.traffic.payloads import NETWORKS, REGISTRATION, Identity, session_detail, volume_detail
from sim.traffic.profile import THRESHOLD
from statemachines.network import PS_REGISTERED

_CHAINS: dict[str, tuple[Kind, ...]] = {
    ATTACH: ((1, ""), (2, "")),
    ROAM: ((16, ""), (15, ""), (1, ""), (2, "")),
    PURGE: ((16, ""), (15, "")),
}
#: Each chain as (kind id, whether it is a registration, with the network's detail).
_STEPS = {
    what: tuple((KIND_IDS[kind], kind[0] in (1, 2)) for kind in chain)
    for what, chain in _CHAINS.items()
}
_ACCEPTED = KIND_IDS[(3, "accepted")]
_UPDATE = KIND_IDS[(4, "")]
_THRESHOLD_REACHED = KIND_IDS[(18, "")]
_USED_UP = KIND_IDS[(19, "")]


class Device:
    """One device of the generated fleet and where its script is."""

    __slots__ = ("carried", "chain", "context_id", "generation", "intent", "left", "link",
                 "managed", "network", "new", "script", "session_end", "who")  # fmt: skip

    def __init__(
        self, who: Identity, script: Script, network: int, new: bool, managed: bool
    ) -> None:
        self.who = who
        self.script = script
        self.network = network
        self.new = new
        self.managed = managed
        self.generation: Generation
        self.intent = Intent(0.0, ATTACH)
        #: MB left of the data quota (None: no quota given).
        self.left: float | None = None
        self.context_id = 0
        self.carried = 0.0
        self.session_end = 0
        self.chain: tuple[tuple[int, bool], ...] = ()
        self.link = 0

    def provision(self, ms: int) -> None:
        """A new device's SIM is activated; a device of a managed profile gets its quota;
        then its script starts."""
        generation = self.generation
        if self.new:
            generation.send(self, KIND_IDS[(8, "")], ms)
        if self.managed:
            generation.at(ms + 1000, generation.top_up, self)
        self.intent = next(self.script)
        generation.at(ms + 2000 + round(self.intent.wait * 1000), Device.wake, self)

    def wake(self, ms: int) -> None:
        """Try what the script said."""
        what = self.intent.what
        if what == SESSION:
            if not self._open(ms):
                self.resume(ms, False)
            return
        if what == ROAM:
            self.network = (
                self.network + 1 + self.generation.rng.randrange(len(NETWORKS) - 1)
            ) % len(NETWORKS)
        self.chain, self.link = _STEPS[what], 0
        self.step_chain(ms)

    def step_chain(self, ms: int) -> None:
        """One event of a registration, a roam or a purge; the next 0.3 to 3 s later."""
        generation = self.generation
        kind_id, registers = self.chain[self.link]
        generation.send(self, kind_id, ms, REGISTRATION[self.network] if registers else "")
        self.link += 1
        if self.link < len(self.chain):
            generation.at(ms + 300 + int(generation.rng.random() * 2700), Device.step_chain, self)
        elif self.intent.what != PURGE:
            self.resume(ms, True)

    def _open(self, ms: int) -> bool:
        generation = self.generation
        endpoint = self.who.endpoint
        state = generation.fleet.state(endpoint)
        if state.network not in PS_REGISTERED:
            return False
        context_id = int(generation.rng.random() * 1e9)
        if not generation.send(self, _ACCEPTED, ms, session_detail(self.network, context_id)):
            reason = refusal_reason(state, generation.fleet.context(endpoint))
            if reason != UNKNOWN_REFUSAL:
                generation.send(self, KIND_IDS[(3, f"rejected:{reason}")], ms)
            return False
        self.context_id = context_id
        self._plan(ms)
        return True

    def _plan(self, ms: int) -> None:
        """The rest of the session: updates, the quota's threshold and end, or its close."""
        generation, intent = self.generation, self.intent
        length, volume = intent.length * 1000, max(intent.volume, 1e-6)
        self.session_end = end = ms + max(1000, round(length))
        for number in range(1, intent.updates + 1):
            generation.at(ms + round(length * number / (intent.updates + 1)), Device.update, self)
        self.carried = volume
        if self.left is not None:
            size = generation.profile.quota_volume
            used, threshold = size - self.left, size * THRESHOLD / 100
            if used < threshold <= used + volume:
                generation.at(
                    ms + round(length * (threshold - used) / volume), Device.threshold, self
                )
            if self.left <= volume:
                self.carried, self.left = self.left, 0.0
                generation.at(ms + round(length * self.carried / volume) + 1, Device.used_up, self)
                return
            self.left -= volume
        generation.at(end, Device.close, self)

    def update(self, ms: int) -> None:
        """A handover: Update PDP Context."""
        self.generation.send(self, _UPDATE, ms)

    def threshold(self, ms: int) -> None:
        """Quota threshold reached."""
        self.generation.send(self, _THRESHOLD_REACHED, ms)

    def used_up(self, ms: int) -> None:
        """Quota used up: the model ends the session; the operator tops up later."""
        generation = self.generation
        if not generation.send(self, _USED_UP, ms):
            generation.at(max(ms, self.session_end), Device.close, self)
            return
        generation.at(
            ms + generation.spread(generation.profile.top_up_after), generation.top_up, self
        )
        self.resume(ms, True)

    def close(self, ms: int) -> None:
        """Delete PDP Context with the volume carried (nothing if the session already ended)."""
        self.generation.send(self, DELETE, ms, volume_detail(self.context_id, self.carried))
        self.resume(ms, True)

    def resume(self, ms: int, worked: bool) -> None:
        """The script goes on: what the device tries next, and when."""
        try:
            self.intent = self.script.send(worked)
        except StopIteration:
            return
        self.generation.at(ms + max(1, round(self.intent.wait * 1000)), Device.wake, self)


def start(generation: Generation, device: Device, ms: int) -> None:
    """Schedule the device's start: a minute in, or (provisioned during the run) at a random
    moment of the first half."""
    device.generation = generation
    later = round(generation.rng.uniform(0, (generation.end - ms) / 2)) if device.new else 0
    generation.at(ms + 60_000 + later, Device.provision, device)
