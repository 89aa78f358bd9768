"""A session with the official emnify SDK, unmodified, against ``devicesim serve``.

Run by ``tests/test_platform_sdk.py`` with the Python of a virtual environment that has
``emnify-sdk`` (and its pinned pydantic 1 and old urllib3), never the project's. The SDK reads
the platform's address from ``EMNIFY_SDK_API_ENDPOINT_URL``; the simulation's controls are
at ``SIM_CONTROL_URL``. It prints what the SDK saw, one JSON document, for the test to compare
with the model.
"""

import json
import os
import sys

import requests
from emnify import EMnify
from emnify import errors as emnify_errors
from emnify.modules.device.models import FilterDeviceModel

CONTROL = os.environ["SIM_CONTROL_URL"]
BIC = sys.argv[1]


def connectivity(client, device_id):
    return client.devices.get_device_connectivity_status(device_id).status.description


def control(path):
    answer = requests.post(f"{CONTROL}/_sim/{path}", json={}, timeout=10)
    answer.raise_for_status()
    return [event["event_type"]["id"] for event in answer.json()["events"]]


def main():
    seen = {}
    client = EMnify(app_token=os.environ["APP_TOKEN"])
    seen["seeded"] = [device.name for device in client.devices.get_devices_list()]
    registered = client.sim.register_sim(bic=BIC)
    seen["registered"] = [(sim.id, sim.status.description) for sim in registered]
    free = list(client.sim.get_sim_list(without_device=True))
    sim_id = free[0].id
    device = client.devices.device_create_model(
        name="sdk-tracker",
        tags="from-the-sdk",
        status={"id": 0, "description": "Enabled"},
        service_profile={"id": 1},
        tariff_profile={"id": 1},
        sim={"id": sim_id, "status": {"id": 1, "description": "Activated"}},
    )
    device_id = client.devices.create_device(device=device)
    seen["device_id"], seen["sim_id"] = device_id, sim_id
    retrieved = client.devices.retrieve_device(device_id)
    seen["retrieved"] = {
        "name": retrieved.name,
        "status": retrieved.status.description,
        "sim": retrieved.sim.id,
        "sim_status": retrieved.sim.status.description,
    }
    named = client.devices.get_devices_list(filter_model=FilterDeviceModel(name="sdk-tracker"))
    seen["filtered"] = [d.id for d in named]
    seen["connectivity"] = [connectivity(client, device_id)]
    seen["attach"] = control(f"endpoint/{device_id}/attach")
    seen["connectivity"].append(connectivity(client, device_id))
    seen["session"] = control(f"endpoint/{device_id}/session")
    seen["connectivity"].append(connectivity(client, device_id))
    sms = client.devices.sms_create_model(source_address="12345", payload="wake up")
    client.devices.send_sms(device=device_id, sms=sms)
    seen["sms"] = [
        (m.payload, m.status["description"])
        for m in client.devices.get_device_sms_list(device=device_id)
    ]
    client.devices.add_device_blacklist_operator(device_id, 2)
    seen["blacklist"] = [o.name for o in client.devices.get_device_operator_blacklist(device_id)]
    client.devices.delete_device_blacklist_operator(device_id, 2)
    try:
        client.devices.delete_device_blacklist_operator(device_id, 2)
    except emnify_errors.ValidationErrorException as error:
        seen["not_blacklisted"] = str(error)
    client.sim.suspend_sim(sim_id=sim_id)
    seen["connectivity"].append(connectivity(client, device_id))
    seen["sim_after_suspend"] = client.sim.retrieve_sim(sim_id).status.description
    client.sim.activate_sim(sim_id=sim_id)
    seen["connectivity"].append(connectivity(client, device_id))
    seen["attach_again"] = control(f"endpoint/{device_id}/attach")
    client.devices.reset_connectivity_network(device_id)
    seen["connectivity"].append(connectivity(client, device_id))
    client.devices.change_status(device_id, disable=True)
    after = client.devices.retrieve_device(device_id)
    seen["disabled"] = {
        "status": after.status.description,
        "sim_status": after.sim.status.description,
    }
    seen["connectivity"].append(connectivity(client, device_id))
    try:
        client.sim.update_sim(sim_id=sim_id, sim=client.sim.get_sim_update_model(status={"id": 0}))
        seen["refused"] = None
    except emnify_errors.ValidationErrorException as error:
        seen["refused"] = str(error)
    events = list(client.devices.get_device_events_list(device_id))
    seen["events"] = [
        (event.id, int(event.event_type.id), event.event_type.description) for event in events
    ]
    seen["operators"] = [operator.name for operator in client.operator.get_operators()]
    client.devices.delete_device(device_id)
    seen["after_delete"] = [device.name for device in client.devices.get_devices_list()]
    seen["sim_after_delete"] = client.sim.retrieve_sim(sim_id).status.description
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
