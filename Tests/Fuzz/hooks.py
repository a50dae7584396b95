"""Schemathesis hooks for Deploy/fuzz-api (loaded through SCHEMATHESIS_HOOKS).

Two things a JSON Schema cannot say, done here for the test cases meant to be valid
(negative cases are left as generated):

- luna2's envelope names the object twice, in the path and as the key inside the body
  (`POST /config/node/n1` with `{"config": {"node": {"n1": {...}}}}`): the body's key is
  renamed to the path's name.
- Most requests only get past the first check when they name objects that exist. Two
  cases in three get their path names and references (group, osimage, network...) drawn
  from small pools: the bootstrap cluster's objects plus one or two names the run creates,
  changes, clones and deletes again; node and network creates get the group or the
  network range they need.

A rack named `inventory` (the URL of another operation) is renamed.
"""

import zlib

import schemathesis

POOLS = {
    "node": ["node001", "node002", "node003", "node004", "fuzz-node1", "fuzz-node2"],
    "group": ["compute-group", "fuzz-group"],
    "osimage": ["compute-image", "fuzz-image"],
    "bmcsetup": ["default-bmcsetup", "fuzz-bmcsetup"],
    "network": ["cluster", "ipmi", "ib", "fuzz-net"],
    "switch": ["switch01", "fuzz-switch"],
    "otherdev": ["fuzz-pdu1", "fuzz-pdu2"],
    "cloud": ["fuzz-cloud"],
    "rack": ["fuzz-rack1", "fuzz-rack2"],
    "route": ["fuzz-route"],
    "osuser": ["fuzz-user"],
    "osgroup": ["fuzz-osgroup"],
    "interface": ["BOOTIF", "BMC", "eth1"],
    "secret": ["key1", "key2"],
    "tag": ["fuzz-tag"],
}

# Body fields that name another object, and the pool they draw from.
REFERENCES = {
    "group": "group", "osimage": "osimage", "bmcsetup": "bmcsetup", "bmcsetupname": "bmcsetup",
    "switch": "switch", "cloud": "cloud", "network": "network", "shared": "network",
    "osimagetag": "tag", "tag": "tag", "rack": "rack", "interface": "interface",
    "provision_interface": "interface", "vlan_parent": "interface",
}


def _draw(pool, seed):
    return POOLS[pool][seed % len(POOLS[pool])]


def _path_pools(path):
    """Which pool each path parameter of `path` draws from."""
    parts = path.strip("/").split("/")
    pools = {"interface": "interface", "secret": "secret", "tag": "tag", "network": "network"}
    if parts[:2] == ["config", "secrets"] and len(parts) > 2:
        pools["name"] = parts[2]
    elif parts[:3] == ["config", "rack", "inventory"]:
        pools["name"] = "node"
    elif parts[:2] == ["config", "osimagetag"]:
        pools["name"] = "tag"
    elif parts[0] == "config" and len(parts) > 1 and parts[1] in POOLS:
        pools["name"] = parts[1]
    return pools


def _object_map(body, path):
    """The dict under `config.<kind>` (`config.secrets.<owner>` for secrets) that should
    hold one key, the object's name; the kind comes from the path."""
    parts = path.strip("/").split("/")
    if not isinstance(body, dict) or len(parts) < 2 or parts[0] != "config" or parts[1:3] == ["rack", "inventory"]:
        return None
    config = body.get("config")
    objects = config.get(parts[1]) if isinstance(config, dict) else None
    if parts[1] == "secrets" and len(parts) > 2 and isinstance(objects, dict):
        objects = objects.get(parts[2])
    if isinstance(objects, dict) and len(objects) == 1:
        return objects
    return None


def _refer(fields, seed, inventory=False):
    """Points the reference fields of one object (and of its interfaces or inventory
    items) at pool names."""
    if isinstance(fields, list):
        for index, item in enumerate(fields):
            _refer(item, seed + index, inventory)
        return
    if not isinstance(fields, dict):
        return
    if inventory and isinstance(fields.get("name"), str):
        fields["name"], fields["type"] = _draw("node", seed), "node"
    for index, (key, value) in enumerate(sorted(fields.items())):
        if key in REFERENCES and isinstance(value, str) and value:
            fields[key] = _draw(REFERENCES[key], seed >> (index % 8))
        elif key in ("interfaces", "inventory"):
            _refer(value, seed, inventory=key == "inventory")


@schemathesis.hook
def before_call(context, case, kwargs):
    """Runs on every case just before it is sent, after schemathesis has filled in values
    of its own (names seen in earlier responses)."""
    parameters = case.path_parameters if case.path_parameters is not None else {}
    if case.path.startswith("/config/rack/{name}") and parameters.get("name") == "inventory":
        parameters["name"] = _draw("rack", 0)  # /config/rack/inventory is another operation
    meta = case.meta
    if meta is not None and str(meta.generation.mode) != "positive":
        return
    seed = zlib.crc32(repr((case.path, sorted(parameters.items()), case.body)).encode())
    if seed % 3:
        pools = _path_pools(case.path)
        for name in list(parameters):
            if name in pools:
                parameters[name] = _draw(pools[name], seed >> 4)
        if parameters.get("tableref") in POOLS:  # a route's coupling target
            parameters["target"] = _draw(parameters["tableref"], seed >> 6)
        objects = _object_map(case.body, case.path)
        if objects is not None:
            fields = next(iter(objects.values()))
            _refer(fields, seed >> 8)
            # What a create needs, so that creates happen.
            if isinstance(fields, dict) and case.method.upper() == "POST":
                if case.path == "/config/node/{name}":
                    fields.setdefault("group", _draw("group", seed >> 12))
                elif case.path == "/config/network/{name}" and not fields.get("network"):
                    fields["network"] = f"10.{200 + (seed >> 12) % 50}.0.0/16"
        elif isinstance(case.body, dict) and isinstance(case.body.get("config"), dict):
            _refer(case.body["config"].get("rack"), seed >> 8)
    name = parameters.get("name", parameters.get("network"))
    objects = _object_map(case.body, case.path)
    if isinstance(name, str) and objects is not None:
        (key, value), = objects.items()
        if key != name:
            del objects[key]
            objects[name] = value
