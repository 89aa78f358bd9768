"""SMS quota of a device: 58 assigned, 20 threshold reached, 21 used up, 61 expired, 59 deleted."""

from statemachines._quota import quota_table

TABLE = quota_table("sms_quota")
