"""Data quota of a device: 56 assigned, 18 threshold reached, 19 used up, 60 expired, 57 deleted."""

from statemachines._quota import quota_table

TABLE = quota_table("data_quota", refills=True)
