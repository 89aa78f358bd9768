"""The event catalogue: every event type id the platform sends and what it means to the model.

One row per type: name, category (the sections of the platform's own catalogue), subject (what
the event is about: an endpoint, its organisation, a service profile, or an organisation-level
entity), the machine triggers each variant fires, the timers it sets, what the platform sends
after it when a data session was cut, how it looks in a payload, and a plain-language
explanation for people who have to explain a device's state to a customer. ``REFUSALS`` is the
one list of reasons the platform gives for refusing a data session. ``sim.events.semantics``
says what the fields mean and numbers the rows; everything else reads them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.events.semantics import (
    API,
    CATALOGUE,
    DEVICE_KINDS,
    KIND_IDS,
    KINDS,
    NETWORK,
    PLAIN_KINDS,
    POLICY_CONTROL,
    RECHECK_KIND,
    SYNTHESISED,
    TIMERS,
    Effect,
    EventType,
    Kind,
    Payload,
    Refusal,
    Subject,
    Timer,
    Trigger,
    effect_of,
    lookup,
    names,
    register,
    search,
)

GENERIC = "Generic Events"
NETWORK_ATTACHMENT = "Network Attachment and Location"
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
    GENERIC, NETWORK_ATTACHMENT, DATA, AUTH, USERS, STATUS, LIMITS,
    DATA_QUOTA, SMS_QUOTA, CLOUDCONNECT, OPENVPN, BILLING, RESELLER,
)  # fmt: skip

#: What the platform does when a data quota is used up (``data_quota_action``); Block when a
#: Data quota assigned event is silent.
BLOCK, THROTTLE = "Block", "Throttle"
QUOTA_ACTIONS = (BLOCK, THROTTLE)
#: Device offline (49) comes this long after a Delete PDP Context with no new session.
OFFLINE_AFTER = 300.0
#: What the platform sends after cutting a data session: a Policy Control Generic
#: "Disconnecting data access ..." (when it announces the cut), then the Delete PDP Context.
DISCONNECT_NOTICE: Kind = (0, "disconnect")
SESSION_DELETED: Kind = (5, "")
_CUT = (SESSION_DELETED,)
_ANNOUNCED_CUT = (DISCONNECT_NOTICE, SESSION_DELETED)

NO_QUOTA, QUOTA_EXHAUSTED, QUOTA_EXPIRED = "no_quota", "quota_exhausted", "quota_expired"
DATA_SERVICE_DISABLED, SIM_NOT_ACTIVATED = "data_service_disabled", "sim_not_activated"
IMEI_LOCK, UNKNOWN_REFUSAL = "imei_lock", "unknown"
#: The variant of an Update (GPRS) location the network refused.
FAILED_REGISTRATION = "rejected"
#: Reasons the platform gives for refusing a data session (domain.md rule 12). A payload's
#: ``detail.data_service_failure_cause`` is matched first, exactly; else the description, in
#: this order; what matches neither is ``unknown`` (the last).
REFUSALS: tuple[Refusal, ...] = (
    Refusal(NO_QUOTA, "the endpoint has no quota", "endpoint has no quota",
            ("no quota",), ("no_quota_found", "no_quota"), proves_quota_management=True),
    Refusal(QUOTA_EXHAUSTED, "the quota is exhausted and the action on exhaustion is Block",
            "quota volume of endpoint is exhausted and defined action is to block data traffic",
            ("exhausted",), ("quota_exhausted",), proves_quota_management=True),
    Refusal(QUOTA_EXPIRED, "the quota has expired", "the quota has expired",
            ("quota expired", "quota has expired", "quota is expired"), ("quota_expired",),
            proves_quota_management=True),
    Refusal(DATA_SERVICE_DISABLED, "data service is disabled in the service profile",
            "data service disabled in service profile",
            ("data service disabled", "data service is disabled", "barred"),
            ("data_service_barred", "data_service_disabled")),
    Refusal(SIM_NOT_ACTIVATED, "the SIM is not activated", "SIM is not activated",
            ("not activated",), ("sim_not_activated",)),
    Refusal(IMEI_LOCK, "the device's IMEI breaks the SIM's IMEI lock", "IMEI lock is breached",
            ("imei",), ("imei_lock_breached", "imei_lock_enforced"),
            sets=(("imei_locked", True),)),
    Refusal("apn_not_authorized", "the APN is not authorised for the device",
            "APN is not authorized", ("apn",), ("apn_not_authorized",)),
    Refusal("pdn_not_supported", "the requested PDN type is not supported",
            "PDN type is not supported", ("pdn",), ("pdn_not_supported",)),
    Refusal("imsi_not_found", "the network does not know the SIM's IMSI", "IMSI was not found",
            ("imsi",), ("imsi_not_found",)),
    Refusal("monthly_limit", "the monthly usage limit is exceeded",
            "monthly usage limit is exceeded", ("monthly", "usage limit"),
            ("monthly_usage_limit_exceeded",)),
    Refusal("inactivity", "the session's inactivity timer expired",
            "inactivity timer expired", ("inactivity",), ("inactivity_timer_expired",)),
    Refusal(UNKNOWN_REFUSAL, "a reason the simulator does not know", "an unexpected error occurred",
            (), ()),
)  # fmt: skip
#: Refusals by code.
REFUSAL_BY_CODE: Mapping[str, Refusal] = {r.code: r for r in REFUSALS}

_MANAGED_DATA = (("data_quota_managed", True),)
_MANAGED_SMS = (("sms_quota_managed", True),)
_QUOTA_DETAIL = {
    "detail": {"quota": {"volume": "1.000000", "threshold_percentage": 20, "threshold_volume": 2}}
}
_USER = {"user": {"id": 1, "name": "{subject}", "username": "{subject}"}}
_BREAKOUT = {"detail": {"breakout_id": "{subject_number}"}}
_OFFLINE = (Timer(49, after=OFFLINE_AFTER),)
#: Where a CloudConnect event names its breakout.
_BREAKOUT_AT = ("detail.breakout_id", "description:breakout")


def _one(
    *triggers: Trigger,
    sets: tuple[tuple[str, object], ...] = (),
    source: int = API,
    timers: tuple[Timer, ...] = (),
    sample: Mapping[str, Any] | None = None,
) -> dict[str, Effect]:
    return {"": Effect(triggers=triggers, sets=sets, source=source, timers=timers,
                       sample=sample or {})}  # fmt: skip


def _type(
    type_id: int,
    name: str,
    category: str,
    subject: Subject,
    explanation: str,
    effects: Mapping[str, Effect] | None = None,
    *,
    payload: Payload = "plain",
    subject_at: tuple[str, ...] = (),
    follow_ups: tuple[Kind, ...] = _CUT,
    aliases: tuple[str, ...] = (),
) -> EventType:
    """A row; the platform follows a cut data session with a Delete PDP Context unless told."""
    return EventType(type_id, name, category, subject, explanation, effects or {"": Effect()},
                     payload, subject_at, follow_ups, aliases)  # fmt: skip


def _breakout(type_id: int, name: str, trigger: str, explanation: str) -> EventType:
    """A CloudConnect row: an entity event about the breakout its payload names."""
    return _type(type_id, name, CLOUDCONNECT, "entity", explanation,
                 _one(("cloudconnect", trigger), sample=_BREAKOUT), subject_at=_BREAKOUT_AT)  # fmt: skip


def _quota_management(kind: str, verb: str, trigger: Trigger) -> dict[str, Effect]:
    text = f"{kind} quota management {verb} for service profile (id = {{service_profile}} - Profile {{service_profile}})."
    return _one(trigger, sample={"description": text})


def _quota_assigned(action: str) -> Effect:
    throttle = action == THROTTLE
    return Effect(
        triggers=(("data_quota", "assign"),),
        sets=(("data_quota_action", action),),
        when=f"action_on_exhaustion {action} (default Block when the payload is silent)",
        timers=(Timer(60, at_quota_expiry=True),),
        sample={
            "description": "Data quota assigned with volume of 10.000000 MB and action on "
            f"exhaustion set to {'throttling' if throttle else 'blocking'}.",
            "detail": {"quota": {"status": {"id": 1, "description": "ACTIVE"}, "volume": 10,
                                 "action_on_exhaustion": {"id": 2 if throttle else 1, "description": action}}},
        },
    )  # fmt: skip


#: What a registration or an accepted session clears: Device offline's Offline, and (a session
#: only) the Blocked an IMEI-lock refusal shows (domain.md rules 10 and 12).
_PRESENT = (("portal_offline", False),)


def _registration(trigger: str) -> dict[str, Effect]:
    return {
        "": Effect(triggers=(("network", trigger),), sets=_PRESENT, source=NETWORK),
        FAILED_REGISTRATION: Effect(
            rejected=True,
            when="update_location_failure_reason present (1NCE v2): the network refused it",
            source=NETWORK,
            sample={"detail": {"update_location_failure_reason": "RAT_NOT_ALLOWED"}},
        ),
    }


_CREATE_PDP: dict[str, Effect] = {
    "accepted": Effect(
        triggers=(("pdp", "create"),),
        sets=(*_PRESENT, ("imei_locked", False)),
        when="source Network, detail.pdp_context present (the session was opened)",
        timers=(Timer(49, cancel=True),),
        source=NETWORK,
        sample={
            "description": "New PDP Context successfully activated with SGSN CP=10.0.0.1, DP=10.0.0.2.",
            "detail": {"pdp_context": {"pdp_context_id": 1, "apn": "em", "rat_type": 6}},
        },
    ),
    **{
        f"rejected:{refusal.code}": Effect(
            rejected=True,
            refusal=refusal.code,
            sets=_MANAGED_DATA if refusal.proves_quota_management else refusal.sets,
            when=f"source Policy Control, 'rejected' because {refusal.words}"
            + (
                f" (data_service_failure_cause {', '.join(refusal.causes).upper()})"
                if refusal.causes
                else ""
            ),
            source=POLICY_CONTROL,
            sample={"description": f"PDP Context Request rejected, because {refusal.text}."},
        )
        for refusal in REFUSALS
    },
}

_ROWS: tuple[EventType, ...] = (
    _type(0, "Generic", GENERIC, "endpoint",
        "A catch-all notice. With source Policy Control and a description starting "
        "'Disconnecting data access' it reports that the platform ended the data session "
        "(endpoint disabled, quota updated, throttling applied); otherwise it only informs.",
        {
            "disconnect": Effect(triggers=(("pdp", "cut_off"),), source=POLICY_CONTROL,
                                 when="Policy Control, 'Disconnecting data access ...'",
                                 sample={"description": "Disconnecting data access for endpoint, because quota has been updated."}),
            "notice": Effect(when="any other Generic event (SMS delivery notices, ...)",
                             sample={"description": "SMS to 1234 cannot be forwarded, because no API Callback URL defined in service profile."}),
        }, payload="notice"),
    _type(1, "Update location", NETWORK_ATTACHMENT, "endpoint",
        "The device registered (or re-registered) on the circuit-switched network: it shows "
        "as Attached and can receive SMS. A 1NCE v2 event carrying an "
        "update_location_failure_reason (e.g. RAT_NOT_ALLOWED) is a refused registration "
        "instead: rejected, nothing changes.", _registration("attach_cs"), payload="registration"),
    _type(2, "Update GPRS location", NETWORK_ATTACHMENT, "endpoint",
        "The device registered for packet data; a data session can only start after this. "
        "With an update_location_failure_reason the registration was refused: rejected.",
        _registration("attach_ps"), payload="registration"),
    _type(3, "Create PDP Context", DATA, "endpoint",
        "A data session was opened (the device is Online), or the platform refused to open one "
        "and says why.", _CREATE_PDP, payload="session"),
    _type(4, "Update PDP Context", DATA, "endpoint",
        "An open data session was updated (e.g. after a handover); it needs one to be open.",
        _one(("pdp", "update"), source=NETWORK)),
    _type(5, "Delete PDP Context", DATA, "endpoint",
        "The data session ended, with the volume it carried; the device is no longer Online. "
        "It shows Attached while still registered, and Offline once Device offline follows "
        "five minutes later with no new session (the platform's example says Offline at once).",
        _one(("pdp", "delete"), source=NETWORK, timers=_OFFLINE,
             sample={"detail": {"volume": {"rx": 0.2, "tx": 0.1, "total": 0.3}}}), follow_ups=()),
    _type(6, "User authentication failed", AUTH, "organisation",
        "Someone failed to log in with a user of the organisation; no device changes."),
    _type(7, "Application authentication failed", AUTH, "organisation",
        "An application token failed to authenticate; no device changes."),
    _type(8, "SIM activation", STATUS, "endpoint",
        "The SIM became Activated (from Issued, Suspended or Factory Test): it may use the "
        "network.",
        _one(("sim", "activate"))),
    _type(9, "SIM suspension", STATUS, "endpoint",
        "The SIM was Suspended: it loses network access until it is activated again.",
        _one(("sim", "suspend"))),
    _type(10, "SIM deletion", STATUS, "endpoint",
        "The SIM was deleted for good; only a SIM released from its endpoint can be deleted.",
        _one(("sim", "delete"))),
    _type(11, "Endpoint blocked", LIMITS, "endpoint",
        "A device policy (such as a traffic limit) was exceeded: the device is blocked from all "
        "services until its policies change. Nothing reports the unblock: a later registration "
        "or accepted session proves it.", _one(("policy", "block"), source=POLICY_CONTROL)),
    _type(12, "Organisation blocked", LIMITS, "organisation",
        "The organisation exceeded its monthly cost limit or prepaid balance: every device of it "
        "loses network access. Nothing reports the unblock (cost limit raised, balance topped "
        "up): a later registration or accepted session of one of its devices proves it.",
        _one(("organisation", "block"), source=POLICY_CONTROL),
        aliases=("Organization blocked",)),
    _type(13, "Support Access", AUTH, "organisation",
        "emnify support generated a token to act for a user; no device changes."),
    _type(14, "Multi-factor Authentication", AUTH, "organisation",
        "A user removed a multi-factor authentication key; no device changes."),
    _type(15, "Purge location", NETWORK_ATTACHMENT, "endpoint",
        "The network dropped the device's circuit-switched registration (unreachable or off).",
        _one(("network", "purge_cs"), source=NETWORK)),
    _type(16, "Purge GPRS location", NETWORK_ATTACHMENT, "endpoint",
        "The network dropped the packet-data registration after inactivity; an open data session "
        "ends with it.", _one(("network", "purge_ps"), source=NETWORK)),
    _type(17, "Self-Signup", RESELLER, "organisation",
        "A new organisation signed up; no device changes."),
    _type(18, "Quota threshold reached", DATA_QUOTA, "endpoint",
        "The remaining data quota fell below its threshold. Sent only where data quota management "
        "applies, so it also shows that it does.",
        _one(("data_quota", "reach_threshold"), sets=_MANAGED_DATA, source=POLICY_CONTROL,
             sample=_QUOTA_DETAIL)),
    _type(19, "Quota used up", DATA_QUOTA, "endpoint",
        "The data quota is used up (Exhausted). With action Block the data session is cut and new "
        "ones are refused; with Throttle data continues at reduced speed (the platform retired "
        "throttling in December 2024; older quotas and logs still carry it). A daily auto-refill "
        "makes the quota usable again with no event: a later accepted session proves it.",
        _one(("data_quota", "use_up"), sets=_MANAGED_DATA, source=POLICY_CONTROL,
             sample=_QUOTA_DETAIL)),
    _type(20, "SMS quota threshold reached", SMS_QUOTA, "endpoint",
        "The remaining SMS quota fell below its threshold (SMS quota management applies).",
        _one(("sms_quota", "reach_threshold"), sets=_MANAGED_SMS, source=POLICY_CONTROL,
             sample=_QUOTA_DETAIL)),
    _type(21, "SMS quota used up", SMS_QUOTA, "endpoint",
        "The SMS quota is used up: SMS service is denied until a new quota is assigned.",
        _one(("sms_quota", "use_up"), sets=_MANAGED_SMS, source=POLICY_CONTROL,
             sample=_QUOTA_DETAIL)),
    _breakout(22, "CloudConnect TGW Resource Share created", "share_resources",
        "A CloudConnect Transit Gateway resource share was created for a breakout."),
    _breakout(23, "CloudConnect TGW available", "make_available",
        "A CloudConnect Transit Gateway breakout became available."),
    _breakout(25, "CloudConnect TGW breakout terminated", "terminate",
        "A CloudConnect Transit Gateway breakout was terminated (final)."),
    _breakout(26, "CloudConnect VPN breakout terminated", "terminate",
        "A CloudConnect VPN breakout was terminated (final)."),
    _breakout(27, "CloudConnect Connection State Changed", "change_state",
        "The connection state of a CloudConnect attachment changed (e.g. Setting Up to Not "
        "Connected); the breakout itself stays."),
    _type(28, "OpenVPN connect", OPENVPN, "entity",
        "An authenticated OpenVPN client connected.",
        _one(("openvpn", "connect"), sample=_USER), subject_at=("user",)),
    _type(29, "OpenVPN disconnect", OPENVPN, "entity",
        "An OpenVPN client disconnected.",
        _one(("openvpn", "disconnect"), sample=_USER), subject_at=("user",)),
    _type(30, "OpenVPN authentication", OPENVPN, "entity",
        "An OpenVPN client (re-)authenticated.",
        _one(("openvpn", "authenticate"), sample=_USER), subject_at=("user",)),
    _type(31, "Organisation updated", BILLING, "organisation",
        "Organisation data (name, country, verification) changed; no device changes."),
    _type(32, "Billing configuration updated", BILLING, "organisation",
        "The billing configuration changed; no device changes."),
    _type(33, "Tariff plan updated", RESELLER, "organisation",
        "A tariff plan was assigned (MNO and reseller accounts); no device changes."),
    _type(34, "Usage tariff updated", RESELLER, "organisation",
        "An inclusive volume was booked (MNO and reseller accounts); no device changes."),
    _type(36, "User invited", RESELLER, "entity",
        "A user was invited to the organisation.",
        _one(("user", "invite"), sample={"detail": {"username": "{subject}"}}),
        subject_at=("detail", "user")),
    _type(37, "Password reset requested", RESELLER, "organisation",
        "A user asked for a password reset; no state changes."),
    _type(38, "Order submitted", RESELLER, "organisation",
        "A SIM order was submitted; no device changes."),
    _type(39, "Order updated", RESELLER, "organisation",
        "A SIM order changed (e.g. shipped); no device changes."),
    _type(40, "User verification requested", RESELLER, "entity",
        "A user was sent a verification link.",
        _one(("user", "request_verification"),
             sample={**_USER, "description": "User '{subject}' verification requested"}),
        subject_at=("description:user", "user")),
    _type(41, "User verified", USERS, "entity",
        "A user verified their e-mail address.",
        _one(("user", "verify"), sample={**_USER, "description": "User '{subject}' verified successfully"}),
        subject_at=("description:user", "user")),
    _type(42, "Endpoint enabled", STATUS, "endpoint",
        "The device was enabled and may use the network again.", _one(("endpoint", "enable"))),
    _type(43, "Endpoint disabled", STATUS, "endpoint",
        "The device was disabled: it loses network access and its data session is cut.",
        _one(("endpoint", "disable")), follow_ups=_ANNOUNCED_CUT),
    _type(44, "SIM issued", STATUS, "endpoint",
        "emnify staff put the SIM back to Issued (a status only staff can set). The platform's "
        "own text for this event says it patches a SIM to Activated or Suspended, which its "
        "name and its note contradict; the model follows the name.",
        _one(("sim", "issue"))),
    _type(45, "SIM factory test", STATUS, "endpoint",
        "The SIM entered Factory Test: it may use the network up to a test volume, then activates.",
        _one(("sim", "start_factory_test")), aliases=("SIM factory",)),
    _type(46, "User deleted", USERS, "entity",
        "A user was deleted by another user (final).",
        _one(("user", "delete"), sample={"detail": {"user": {"id": 1, "username": "{subject}"}}}),
        subject_at=("detail.user",)),
    _type(48, "SIM registration", STATUS, "endpoint",
        "A SIM (batch) was registered to the organisation; the SIM stays Issued. Without a SIM or "
        "endpoint in the payload it is recorded at organisation level.", _one(("sim", "register"))),
    _type(49, "Device offline", DATA, "endpoint",
        "No new data session within 5 minutes of the last one ending: the Portal shows the "
        "device Offline until its next registration or accepted session, while the network "
        "registration itself stays. The simulator synthesises it from its virtual clock; it "
        "needs the session to be closed.",
        _one(("pdp", "go_offline"), sets=(("portal_offline", True),), source=NETWORK)),
    _type(50, "SIM Released", STATUS, "endpoint",
        "The SIM was taken out of its endpoint: the device loses network access.",
        _one(("sim_assignment", "release"))),
    _type(51, "SIM Assigned", STATUS, "endpoint",
        "A SIM was put into the endpoint.", _one(("sim_assignment", "assign"))),
    _type(52, "Data quota enabled", DATA_QUOTA, "service_profile",
        "Data quota management was switched on for a service profile: its devices need an active "
        "data quota, and those without one lose their data session.",
        _quota_management("Data", "enabled", ("data_quota_management", "enable"))),
    _type(53, "Data quota disabled", DATA_QUOTA, "service_profile",
        "Data quota management was switched off for a service profile: no more quota limits.",
        _quota_management("Data", "disabled", ("data_quota_management", "disable"))),
    _type(54, "SMS quota enabled", SMS_QUOTA, "service_profile",
        "SMS quota management was switched on: devices of the profile need an active SMS quota.",
        _quota_management("SMS", "enabled", ("sms_quota_management", "enable"))),
    _type(55, "SMS quota disabled", SMS_QUOTA, "service_profile",
        "SMS quota management was switched off for a service profile.",
        _quota_management("SMS", "disabled", ("sms_quota_management", "disable"))),
    _type(56, "Data quota assigned", DATA_QUOTA, "endpoint",
        "A new data quota was assigned (Active), replacing any previous one, with its action on "
        "exhaustion (Block or Throttle).",
        {action.lower(): _quota_assigned(action) for action in QUOTA_ACTIONS},
        payload="quota", follow_ups=_ANNOUNCED_CUT),
    _type(57, "Data quota deleted", DATA_QUOTA, "endpoint",
        "The data quota was deleted; under data quota management the data service is denied.",
        _one(("data_quota", "delete"), timers=(Timer(60, cancel=True),)), follow_ups=_ANNOUNCED_CUT),
    _type(58, "SMS quota assigned", SMS_QUOTA, "endpoint",
        "A new SMS quota was assigned (Active).",
        _one(("sms_quota", "assign"), timers=(Timer(61, at_quota_expiry=True),),
             sample={"detail": {"quota": {"status": {"id": 1, "description": "ACTIVE"}, "volume": 10}}}),
        payload="quota"),
    _type(59, "SMS quota deleted", SMS_QUOTA, "endpoint",
        "The SMS quota was deleted; under SMS quota management SMS is denied.",
        _one(("sms_quota", "delete"), timers=(Timer(61, cancel=True),))),
    _type(60, "Data quota expired", DATA_QUOTA, "endpoint",
        "The data quota passed its expiry date (Expired): data service is denied under management.",
        _one(("data_quota", "expire"), source=POLICY_CONTROL)),
    _type(61, "SMS quota expired", SMS_QUOTA, "endpoint",
        "The SMS quota passed its expiry date (Expired).",
        _one(("sms_quota", "expire"), source=POLICY_CONTROL)),
    _type(67, "User switched workspaces", USERS, "organisation",
        "A user switched to another workspace; no device changes."),
    _type(68, "Reset connectivity", NETWORK_ATTACHMENT, "endpoint",
        "Connectivity was reset through the Portal or API: the network registration is cancelled "
        "(and with it any data session) so the device attaches afresh.",
        _one(("network", "detach"))),
    _type(69, "SIM migration", STATUS, "endpoint",
        "The SIM was migrated to another workspace: an Activated SIM is Suspended there (a "
        "SIM in another status keeps it).",
        _one(("sim", "migrate"))),
)  # fmt: skip

for _row in _ROWS:
    register(_row)

__all__ = [
    "API",
    "BLOCK",
    "CATALOGUE",
    "CATEGORIES",
    "DATA_SERVICE_DISABLED",
    "DEVICE_KINDS",
    "DISCONNECT_NOTICE",
    "FAILED_REGISTRATION",
    "IMEI_LOCK",
    "KINDS",
    "KIND_IDS",
    "NETWORK",
    "NO_QUOTA",
    "OFFLINE_AFTER",
    "PLAIN_KINDS",
    "POLICY_CONTROL",
    "QUOTA_ACTIONS",
    "QUOTA_EXHAUSTED",
    "QUOTA_EXPIRED",
    "RECHECK_KIND",
    "REFUSALS",
    "REFUSAL_BY_CODE",
    "SESSION_DELETED",
    "SIM_NOT_ACTIVATED",
    "SYNTHESISED",
    "THROTTLE",
    "TIMERS",
    "UNKNOWN_REFUSAL",
    "Effect",
    "EventType",
    "Kind",
    "Refusal",
    "Timer",
    "Trigger",
    "effect_of",
    "lookup",
    "names",
    "search",
]
