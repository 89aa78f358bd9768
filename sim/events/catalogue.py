"""The event catalogue: every event type id the platform sends and what it does to the model.

One row per type: name, category (the sections of the platform's own catalogue), scope (which
part of the model it reaches: an endpoint, its organisation, or a service profile), the machine
triggers it fires, and a plain-language explanation for people who have to explain a device's
state to a customer. Types whose meaning depends on the payload (a Create PDP Context that was
accepted or rejected, a Generic event that disconnects or only informs) have one effect per
variant; the parser decides the variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Scope = Literal["endpoint", "organisation", "service_profile"]
Trigger = tuple[str, str]

GENERIC = "Generic Events"
NETWORK = "Network Attachment and Location"
DATA = "Data Connection Lifecycle"
AUTH = "Authentication"
USERS = "User Management"
STATUS = "Device Status Management"
LIMITS = "Limit Enforcement"
DATA_QUOTA = "Data Quota Management"
SMS_QUOTA = "SMS Quota Management"
CLOUDCONNECT = "CloudConnect Lifecycle"
OPENVPN = "OpenVPN Lifecycle"
BILLING = "Organization and Billing"
RESELLER = "MNO and Reseller Events"

#: Catalogue categories in the order of the platform's page; scenario folders follow them.
CATEGORIES = (
    GENERIC, NETWORK, DATA, AUTH, USERS, STATUS, LIMITS,
    DATA_QUOTA, SMS_QUOTA, CLOUDCONNECT, OPENVPN, BILLING, RESELLER,
)  # fmt: skip


@dataclass(frozen=True)
class Effect:
    """What one variant of an event type does to a device or an organisation."""

    triggers: tuple[Trigger, ...] = ()
    #: Device attributes the event sets (quota action, inferred quota management).
    sets: tuple[tuple[str, object], ...] = ()
    #: The event reports a request the platform refused.
    rejected: bool = False
    #: How the parser recognises this variant, for ``explain``.
    when: str = ""


@dataclass(frozen=True)
class EventType:
    """One row of the catalogue."""

    id: int
    name: str
    category: str
    scope: Scope
    explanation: str
    effects: Mapping[str, Effect] = field(default_factory=lambda: {"": Effect()})

    @property
    def audit_only(self) -> bool:
        """True when no variant of this type changes any state."""
        return all(not e.triggers and not e.sets and not e.rejected for e in self.effects.values())


def _one(*triggers: Trigger, sets: tuple[tuple[str, object], ...] = ()) -> dict[str, Effect]:
    return {"": Effect(triggers=triggers, sets=sets)}


_QUOTA_REASONS = {
    "no_quota": "the endpoint has no quota",
    "quota_exhausted": "the quota is exhausted and the action on exhaustion is Block",
    "sim_not_activated": "the SIM is not activated",
    "service_disabled": "data service is disabled in the service profile",
    "other": "another reason given in the description",
}
#: Rejection reasons the parser recognises in a rejected Create PDP Context, in words.
REJECTION_REASONS: Mapping[str, str] = MappingProxyType(_QUOTA_REASONS)

_MANAGED_DATA = (("data_quota_managed", True),)
_MANAGED_SMS = (("sms_quota_managed", True),)

_CREATE_PDP: dict[str, Effect] = {
    "accepted": Effect(
        triggers=(("pdp", "create"),),
        when="source Network, detail.pdp_context present (the session was opened)",
    ),
    **{
        f"rejected:{reason}": Effect(
            rejected=True,
            sets=_MANAGED_DATA if reason in ("no_quota", "quota_exhausted") else (),
            when=f"source Policy Control, 'rejected' because {words}",
        )
        for reason, words in _QUOTA_REASONS.items()
    },
}

_ROWS: tuple[EventType, ...] = (
    EventType(0, "Generic", GENERIC, "endpoint",
        "A catch-all notice. With source Policy Control and a description starting "
        "'Disconnecting data access' it reports that the platform ended the data session "
        "(endpoint disabled, quota updated, throttling applied); otherwise it only informs.",
        {
            "disconnect": Effect(triggers=(("pdp", "cut_off"),),
                                 when="Policy Control, 'Disconnecting data access ...'"),
            "notice": Effect(when="any other Generic event (SMS delivery notices, ...)"),
        }),
    EventType(1, "Update location", NETWORK, "endpoint",
        "The device registered (or re-registered) on the circuit-switched network: it shows "
        "as Attached and can receive SMS.", _one(("network", "attach_cs"))),
    EventType(2, "Update GPRS location", NETWORK, "endpoint",
        "The device registered for packet data; a data session can only start after this.",
        _one(("network", "attach_ps"))),
    EventType(3, "Create PDP Context", DATA, "endpoint",
        "A data session was opened (the device is Online), or the platform refused to open one "
        "and says why.", _CREATE_PDP),
    EventType(4, "Update PDP Context", DATA, "endpoint",
        "An open data session was updated (e.g. after a handover); it needs one to be open.",
        _one(("pdp", "update"))),
    EventType(5, "Delete PDP Context", DATA, "endpoint",
        "The data session ended, with the volume it carried; the device is no longer Online.",
        _one(("pdp", "delete"))),
    EventType(6, "User authentication failed", AUTH, "organisation",
        "Someone failed to log in with a user of the organisation; no device changes."),
    EventType(7, "Application authentication failed", AUTH, "organisation",
        "An application token failed to authenticate; no device changes."),
    EventType(8, "SIM activation", STATUS, "endpoint",
        "The SIM became Activated (from Issued, Suspended or Factory Test): it may use the "
        "network.",
        _one(("sim", "activate"))),
    EventType(9, "SIM suspension", STATUS, "endpoint",
        "The SIM was Suspended: it loses network access until it is activated again.",
        _one(("sim", "suspend"))),
    EventType(10, "SIM deletion", STATUS, "endpoint",
        "The SIM was deleted for good; only a SIM released from its endpoint can be deleted.",
        _one(("sim", "delete"))),
    EventType(11, "Endpoint blocked", LIMITS, "endpoint",
        "A device policy (such as a traffic limit) was exceeded: the device is blocked from all "
        "services until its policies change.", _one(("policy", "block"))),
    EventType(12, "Organisation blocked", LIMITS, "organisation",
        "The organisation exceeded its monthly cost limit or prepaid balance: every device of it "
        "loses network access.", _one(("organisation", "block"))),
    EventType(13, "Support Access", AUTH, "organisation",
        "emnify support generated a token to act for a user; no device changes."),
    EventType(14, "Multi-factor Authentication", AUTH, "organisation",
        "A user removed a multi-factor authentication key; no device changes."),
    EventType(15, "Purge location", NETWORK, "endpoint",
        "The network dropped the device's circuit-switched registration (unreachable or off).",
        _one(("network", "purge_cs"))),
    EventType(16, "Purge GPRS location", NETWORK, "endpoint",
        "The network dropped the packet-data registration after inactivity; an open data session "
        "ends with it.", _one(("network", "purge_ps"))),
    EventType(17, "Self-Signup", RESELLER, "organisation",
        "A new organisation signed up; no device changes."),
    EventType(18, "Quota threshold reached", DATA_QUOTA, "endpoint",
        "The remaining data quota fell below its threshold. Sent only where data quota management "
        "applies, so it also shows that it does.",
        _one(("data_quota", "reach_threshold"), sets=_MANAGED_DATA)),
    EventType(19, "Quota used up", DATA_QUOTA, "endpoint",
        "The data quota is used up (Exhausted). With action Block the data session is cut and new "
        "ones are refused; with Throttle data continues at reduced speed.",
        _one(("data_quota", "use_up"), sets=_MANAGED_DATA)),
    EventType(20, "SMS quota threshold reached", SMS_QUOTA, "endpoint",
        "The remaining SMS quota fell below its threshold (SMS quota management applies).",
        _one(("sms_quota", "reach_threshold"), sets=_MANAGED_SMS)),
    EventType(21, "SMS quota used up", SMS_QUOTA, "endpoint",
        "The SMS quota is used up: SMS service is denied until a new quota is assigned.",
        _one(("sms_quota", "use_up"), sets=_MANAGED_SMS)),
    EventType(22, "CloudConnect TGW Resource Share created", CLOUDCONNECT, "organisation",
        "A CloudConnect Transit Gateway resource share was created for a breakout.",
        _one(("cloudconnect", "share_resources"))),
    EventType(23, "CloudConnect TGW available", CLOUDCONNECT, "organisation",
        "A CloudConnect Transit Gateway breakout became available.",
        _one(("cloudconnect", "make_available"))),
    EventType(25, "CloudConnect TGW breakout terminated", CLOUDCONNECT, "organisation",
        "A CloudConnect Transit Gateway breakout was terminated (final).",
        _one(("cloudconnect", "terminate"))),
    EventType(26, "CloudConnect VPN breakout terminated", CLOUDCONNECT, "organisation",
        "A CloudConnect VPN breakout was terminated (final).", _one(("cloudconnect", "terminate"))),
    EventType(27, "CloudConnect Connection State Changed", CLOUDCONNECT, "organisation",
        "The connection state of a CloudConnect attachment changed (e.g. Setting Up to Not "
        "Connected); the breakout itself stays.", _one(("cloudconnect", "change_state"))),
    EventType(28, "OpenVPN connect", OPENVPN, "organisation",
        "An authenticated OpenVPN client connected.", _one(("openvpn", "connect"))),
    EventType(29, "OpenVPN disconnect", OPENVPN, "organisation",
        "An OpenVPN client disconnected.", _one(("openvpn", "disconnect"))),
    EventType(30, "OpenVPN authentication", OPENVPN, "organisation",
        "An OpenVPN client (re-)authenticated.", _one(("openvpn", "authenticate"))),
    EventType(31, "Organisation updated", BILLING, "organisation",
        "Organisation data (name, country, verification) changed; no device changes."),
    EventType(32, "Billing configuration updated", BILLING, "organisation",
        "The billing configuration changed; no device changes."),
    EventType(33, "Tariff plan updated", RESELLER, "organisation",
        "A tariff plan was assigned (MNO and reseller accounts); no device changes."),
    EventType(34, "Usage tariff updated", RESELLER, "organisation",
        "An inclusive volume was booked (MNO and reseller accounts); no device changes."),
    EventType(36, "User invited", RESELLER, "organisation",
        "A user was invited to the organisation.", _one(("user", "invite"))),
    EventType(37, "Password reset requested", RESELLER, "organisation",
        "A user asked for a password reset; no state changes."),
    EventType(38, "Order submitted", RESELLER, "organisation",
        "A SIM order was submitted; no device changes."),
    EventType(39, "Order updated", RESELLER, "organisation",
        "A SIM order changed (e.g. shipped); no device changes."),
    EventType(40, "User verification requested", RESELLER, "organisation",
        "A user was sent a verification link.", _one(("user", "request_verification"))),
    EventType(41, "User verified", USERS, "organisation",
        "A user verified their e-mail address.", _one(("user", "verify"))),
    EventType(42, "Endpoint enabled", STATUS, "endpoint",
        "The device was enabled and may use the network again.", _one(("endpoint", "enable"))),
    EventType(43, "Endpoint disabled", STATUS, "endpoint",
        "The device was disabled: it loses network access and its data session is cut.",
        _one(("endpoint", "disable"))),
    EventType(44, "SIM issued", STATUS, "endpoint",
        "emnify staff put the SIM back to Issued (a status only staff can set).",
        _one(("sim", "issue"))),
    EventType(45, "SIM factory test", STATUS, "endpoint",
        "The SIM entered Factory Test: it may use the network up to a test volume, then activates.",
        _one(("sim", "start_factory_test"))),
    EventType(46, "User deleted", USERS, "organisation",
        "A user was deleted by another user (final).", _one(("user", "delete"))),
    EventType(48, "SIM registration", STATUS, "endpoint",
        "A SIM (batch) was registered to the organisation; the SIM stays Issued. Without a SIM or "
        "endpoint in the payload it is recorded at organisation level.", _one(("sim", "register"))),
    EventType(49, "Device offline", DATA, "endpoint",
        "No new data session within 5 minutes of the last one ending. The simulator synthesises "
        "it from its virtual clock; it needs the session to be closed.",
        _one(("pdp", "go_offline"))),
    EventType(50, "SIM Released", STATUS, "endpoint",
        "The SIM was taken out of its endpoint: the device loses network access.",
        _one(("sim_assignment", "release"))),
    EventType(51, "SIM Assigned", STATUS, "endpoint",
        "A SIM was put into the endpoint.", _one(("sim_assignment", "assign"))),
    EventType(52, "Data quota enabled", DATA_QUOTA, "service_profile",
        "Data quota management was switched on for a service profile: its devices need an active "
        "data quota, and those without one lose their data session.",
        _one(("data_quota_management", "enable"))),
    EventType(53, "Data quota disabled", DATA_QUOTA, "service_profile",
        "Data quota management was switched off for a service profile: no more quota limits.",
        _one(("data_quota_management", "disable"))),
    EventType(54, "SMS quota enabled", SMS_QUOTA, "service_profile",
        "SMS quota management was switched on: devices of the profile need an active SMS quota.",
        _one(("sms_quota_management", "enable"))),
    EventType(55, "SMS quota disabled", SMS_QUOTA, "service_profile",
        "SMS quota management was switched off for a service profile.",
        _one(("sms_quota_management", "disable"))),
    EventType(56, "Data quota assigned", DATA_QUOTA, "endpoint",
        "A new data quota was assigned (Active), replacing any previous one, with its action on "
        "exhaustion (Block or Throttle).",
        {
            action.lower(): Effect(
                triggers=(("data_quota", "assign"),),
                sets=(("data_quota_action", action),),
                when=f"action_on_exhaustion {action} (default Block when the payload is silent)",
            )
            for action in ("Block", "Throttle")
        }),
    EventType(57, "Data quota deleted", DATA_QUOTA, "endpoint",
        "The data quota was deleted; under data quota management the data service is denied.",
        _one(("data_quota", "delete"))),
    EventType(58, "SMS quota assigned", SMS_QUOTA, "endpoint",
        "A new SMS quota was assigned (Active).", _one(("sms_quota", "assign"))),
    EventType(59, "SMS quota deleted", SMS_QUOTA, "endpoint",
        "The SMS quota was deleted; under SMS quota management SMS is denied.",
        _one(("sms_quota", "delete"))),
    EventType(60, "Data quota expired", DATA_QUOTA, "endpoint",
        "The data quota passed its expiry date (Expired): data service is denied under management.",
        _one(("data_quota", "expire"))),
    EventType(61, "SMS quota expired", SMS_QUOTA, "endpoint",
        "The SMS quota passed its expiry date (Expired).", _one(("sms_quota", "expire"))),
    EventType(67, "User switched workspaces", USERS, "organisation",
        "A user switched to another workspace; no device changes."),
    EventType(68, "Reset connectivity", NETWORK, "endpoint",
        "Connectivity was reset through the Portal or API: the network registration is cancelled "
        "(and with it any data session) so the device attaches afresh.",
        _one(("network", "detach"))),
    EventType(69, "SIM migration", STATUS, "endpoint",
        "The SIM was migrated (e.g. to another profile); its status stays.",
        _one(("sim", "migrate"))),
)  # fmt: skip

_BY_ID = {row.id: row for row in _ROWS}
#: The catalogue by type id.
CATALOGUE: Mapping[int, EventType] = MappingProxyType(_BY_ID)

_BY_NAME = {row.name.casefold(): row for row in _ROWS}


def lookup(key: int | str) -> EventType | None:
    """Find a type by id (int or digit string) or by name (case-insensitive)."""
    if isinstance(key, int):
        return CATALOGUE.get(key)
    text = key.strip()
    if text.lstrip("-").isdigit():
        return CATALOGUE.get(int(text))
    return _BY_NAME.get(text.casefold())


def names() -> list[str]:
    """Every type name, for did-you-mean suggestions."""
    return [row.name for row in _ROWS]


#: Every (type id, variant) the model distinguishes, numbered: events carry the number, and the
#: engine's memo is keyed by it. Index 0 is the recheck after an organisation or profile change.
KINDS: tuple[tuple[int, str], ...] = (
    (-1, "recheck"),
    *((row.id, variant) for row in _ROWS for variant in row.effects),
)
KIND_IDS: Mapping[tuple[int, str], int] = MappingProxyType({k: i for i, k in enumerate(KINDS)})
RECHECK_KIND = 0
