"""The local emnify platform (``devicesim serve``): the REST API the official SDK talks to,
its state in SQLite, and every action turned into the events the model applies.

Owns ``database`` (the tables, one transaction at a time), ``event_log`` (events built,
applied to the model and stored; the model rebuilt from them), ``core`` (``Platform``: one
action or read at a time, tokens), ``shapes`` (the API's JSON), ``listing`` (paging, ``sort``,
``q``), ``validation`` (request bodies), ``endpoints``, ``sims``, ``quotas``, ``profiles``
(service profiles, the organisation), ``messages`` (SMS, operator blacklists), ``event_api``,
``seeding``, ``streamer`` (the Data Streamer) and ``stream_routes``, ``openapi`` (the
contract), ``answers`` (JSON, errors, pages), ``rest`` (the ``/api`` routes), ``control`` (the
``/_sim`` routes), ``app``. This room may import
``web`` and below, but ``testing``.
"""
