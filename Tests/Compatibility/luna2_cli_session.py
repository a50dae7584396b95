#!/usr/bin/env python3
"""An operator session with the real luna2-cli against a real lunad.

Starts lunad on a free loopback port with a fresh data directory (seeded from the
shipped bootstrap), runs luna2-cli once per command as a subprocess (through
run_cli.py, which moves its fixed paths into the work directory), and checks each
command's effect through the REST API with urllib. Then stops lunad with SIGTERM and
runs `luna log replay --verify` on its data directory.

Prints `ok   <command>` or `FAIL <command>: <reason>` per step and ends with
`N passed, N failed`; exits 1 when anything failed. With --details FILE, every failed
step's HTTP exchanges (as the client made them) and output go to FILE.
"""

import argparse
import base64
import configparser
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from control_session import control_session

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------- REST API


class Api:
    """Direct reads of the API, for checking what a command did."""

    def __init__(self, base, username, password):
        self.base = base
        self.username = username
        self.password = password
        self.token = None

    def _call(self, method, path, body=None, token=True):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("x-access-tokens", self.token or self.login())
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def login(self):
        status, body = self._call(
            "POST", "/token", {"username": self.username, "password": self.password}, token=False
        )
        if not isinstance(body, dict) or "token" not in body:
            raise RuntimeError(f"POST /token answered {status} {body!r}")
        self.token = body["token"]
        return self.token

    def get(self, path):
        return self._call("GET", path)

    def obj(self, kind, name):
        """The detail view of one object, or None when the API does not answer 200."""
        status, body = self.get(f"/config/{kind}/{name}")
        if status != 200 or not isinstance(body, dict):
            return None
        return body.get("config", {}).get(kind, {}).get(name)


# ----------------------------------------------------------------------------- checks
# A check is a function of the Api returning None (fine) or a sentence saying what is wrong.


def unb64(value):
    try:
        return base64.b64decode(value, validate=True).decode()
    except (ValueError, TypeError):
        return value


def truthy(value):
    return value is True or str(value).lower() in ("true", "1", "yes", "y")


def falsy(value):
    return value is False or str(value).lower() in ("false", "0", "no", "n")


def exists(kind, name):
    def check(api):
        status, body = api.get(f"/config/{kind}/{name}")
        return None if status == 200 else f"GET /config/{kind}/{name} -> {status} {short(body)}"

    return check


def gone(kind, name):
    def check(api):
        status, body = api.get(f"/config/{kind}/{name}")
        return None if status == 404 else f"still there: GET /config/{kind}/{name} -> {status} {short(body)}"

    return check


def field(kind, name, key, want, how="eq"):
    """The object's `key` equals `want` (how: eq, true, false, b64 = base64 of want, in)."""

    def check(api):
        item = api.obj(kind, name)
        if item is None:
            return f"GET /config/{kind}/{name} is not 200"
        have = item.get(key)
        good = {
            "eq": lambda: have == want or str(have) == str(want),
            "true": lambda: truthy(have),
            "false": lambda: falsy(have),
            "b64": lambda: unb64(have) == want,
            "in": lambda: want in str(have),
        }[how]()
        return None if good else f"{kind} {name} {key} is {have!r}, expected {want!r}"

    return check


def interface(kind, name, ifname, **want):
    """The object has interface `ifname`, with the given fields (None: the interface is absent)."""

    def check(api):
        item = api.obj(kind, name)
        if item is None:
            return f"GET /config/{kind}/{name} is not 200"
        found = [i for i in item.get("interfaces") or [] if i.get("interface") == ifname]
        if want.get("absent"):
            return None if not found else f"{kind} {name} still has interface {ifname}"
        if not found:
            names = [i.get("interface") for i in item.get("interfaces") or []]
            return f"{kind} {name} has no interface {ifname} (has {names})"
        for key, value in want.items():
            have = found[0].get(key)
            if callable(value):
                if not value(have):
                    return f"{kind} {name} {ifname}.{key} is {have!r}"
            elif str(have) != str(value):
                return f"{kind} {name} {ifname}.{key} is {have!r}, expected {value!r}"
        return None

    return check


def cluster_controller_ip(ip):
    def check(api):
        status, body = api.get("/config/cluster")
        cluster = (body or {}).get("config", {}).get("cluster", {}) if isinstance(body, dict) else {}
        seen = []
        for value in cluster.values():
            if isinstance(value, dict):
                for entry in [value] + [v for v in value.values() if isinstance(v, dict)]:
                    if "ipaddress" in entry:
                        seen.append(entry["ipaddress"])
        return None if ip in seen else f"controller addresses in GET /config/cluster are {seen}, expected {ip}"

    return check


def secret(entity, owner, name, content=None, path=None):
    def check(api):
        status, body = api.get(f"/config/secrets/{entity}/{owner}/{name}")
        if status != 200:
            return f"GET /config/secrets/{entity}/{owner}/{name} -> {status} {short(body)}"
        items = body.get("config", {}).get("secrets", {}).get(entity, {}).get(owner, [])
        items = [i for i in items if i.get("name") == name]
        if not items:
            return f"no secret {name} in the answer: {short(body)}"
        if content is not None and unb64(items[0].get("content")) != content:
            return f"content is {items[0].get('content')!r}, expected base64 of {content!r}"
        if path is not None and items[0].get("path") != path:
            return f"path is {items[0].get('path')!r}, expected {path!r}"
        return None

    return check


def secret_gone(entity, owner, name):
    def check(api):
        status, body = api.get(f"/config/secrets/{entity}/{owner}/{name}")
        return None if status == 404 else f"still there: {status} {short(body)}"

    return check


def dns_entry(network, host, ip):
    def check(api):
        status, body = api.get(f"/config/dns/{network}")
        entries = []
        if status == 200 and isinstance(body, dict):
            entries = body.get("config", {}).get("dns", {}).get(network, [])
        hits = [e for e in entries if e.get("host") == host]
        if ip is None:
            return None if not hits else f"{host} still listed: {hits}"
        if not hits:
            return f"GET /config/dns/{network} -> {status}, no {host}: {short(body)}"
        return None if hits[0].get("ipaddress") == ip else f"{host} is {hits[0].get('ipaddress')}, expected {ip}"

    return check


def not_listed(kind, name):
    """For names the API refuses to look up: absent from the list."""

    def check(api):
        status, body = api.get(f"/config/{kind}")
        listed = body.get("config", {}).get(kind, {}) if status == 200 and isinstance(body, dict) else {}
        return None if name not in listed else f"{name} is listed by GET /config/{kind}"

    return check


def all_of(*checks):
    def check(api):
        for one in checks:
            problem = one(api)
            if problem:
                return problem
        return None

    return check


def short(value, limit=200):
    text = value if isinstance(value, str) else json.dumps(value)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----------------------------------------------------------------------------- session


class Session:
    def __init__(self, options, api):
        self.options = options
        self.api = api
        self.passed = 0
        self.failed = 0
        self.details = []
        self.trace = os.path.join(options.work, "trace.jsonl")
        self.env = dict(
            os.environ,
            LUNA2_CLI_SRC=options.cli_src,
            LUNA2_CLI_HOME=os.path.join(options.work, "cli"),
            LUNA2_CLI_TRACE=self.trace,
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.cwd = os.path.join(options.work, "cwd")  # inline values must not name files
        os.makedirs(self.cwd, exist_ok=True)
        self.last_output = ""

    def record(self, label, problem, detail=None):
        if problem is None:
            self.passed += 1
            print(f"ok   {label}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {label}: {problem}", flush=True)
            self.details.append((label, problem, detail or ""))

    def luna(self, command, ok=True, says=None, check=None, label=None):
        """Runs `luna <command>` (luna2-cli). ok: True = must succeed (exit 0, nothing on
        stderr), False = must fail (non-zero exit), None = either (the client reports some
        refusals on stderr with exit 0). says: a regex the output must match."""
        label = label or f"luna {command}"
        args = shlex.split(command)
        open(self.trace, "w").close()
        try:
            run = subprocess.run(
                [sys.executable, os.path.join(HERE, "run_cli.py")] + args,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=90,
            )
            rc, out, err = run.returncode, run.stdout, run.stderr
        except subprocess.TimeoutExpired as timeout:
            rc, out, err = "timeout", timeout.stdout or "", timeout.stderr or ""
            out = out.decode() if isinstance(out, bytes) else out
            err = err.decode() if isinstance(err, bytes) else err
        printed = (out + err).strip()
        self.last_output = printed
        problem = None
        if rc == "timeout":
            problem = "no answer within 90 s"
        elif "Traceback (most recent call last)" in err:
            problem = f"the client crashed: {last_line(err)}"
        elif ok is True and (rc != 0 or err.strip()):
            problem = f"exit {rc}: {one_line(printed)}"
        elif ok is False and rc == 0:
            problem = f"succeeded (exit 0) but should fail: {one_line(printed)}"
        elif says and not re.search(says, printed):
            problem = f"output does not say /{says}/: {one_line(printed)}"
        if problem is None and check is not None:
            try:
                problem = check(self.api)
            except Exception as error:  # a check that cannot run is a failed step
                problem = f"check failed: {error!r}"
            if problem:
                problem = f"{problem} (client said: {one_line(printed, 120)})"
        detail = None
        if problem:
            refused = self.last_refusal()
            if refused:
                problem = f"{problem} [{refused}]"
            detail = f"exit {rc}\n--- output\n{printed}\n--- requests\n{self.exchanges()}"
        self.record(label, problem, detail)
        return problem is None

    def entries(self):
        try:
            with open(self.trace, encoding="utf-8") as trace:
                return [json.loads(line) for line in trace if line.strip()]
        except OSError:
            return []

    def last_refusal(self):
        """The command's last request answered >= 400, as `METHOD path -> status body`."""
        for e in reversed(self.entries()):
            if e["phase"] == "command" and e.get("status", 0) >= 400:
                path = re.sub(r"^https?://[^/]+", "", e["url"])
                return f"{e['method']} {path} -> {e['status']} {short(e.get('response') or '(empty)', 120)}"
        return None

    def exchanges(self):
        entries = self.entries()
        if not entries:
            return "(no trace)"
        own = [e for e in entries if e["phase"] == "command" and not e["url"].endswith("/version")]
        if not own:  # it stopped while building its parser: show what it asked then
            own = [e for e in entries if not e["url"].endswith("/version")]
        lines = []
        for e in own:
            body = "" if e.get("body") is None else " " + json.dumps(e["body"])
            path = re.sub(r"^https?://[^/]+", "", e["url"])
            answer = e.get("error") or f"{e.get('status')} {short(e.get('response', ''), 700)}"
            lines.append(f"{e['method']} {path}{body}\n  -> {answer}")
        return "\n".join(lines) or "(none)"

    def step(self, label, problem):
        self.record(label, problem)


def one_line(text, limit=300):
    text = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def last_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# ----------------------------------------------------------------------------- the commands


def operator_session(s, api):
    # cluster ---------------------------------------------------------------------------
    s.luna("cluster show", says=r"mycluster")
    s.luna("cluster change -T 10.141.255.253", check=cluster_field("ntp_server", "10.141.255.253"))
    s.luna("cluster change -C n", check=cluster_field("createnode_ondemand", False, "false"))
    s.luna("cluster change -t admin@example.org", check=cluster_field("technical_contacts", "admin@example.org"))
    s.luna("cluster change --controller 10.141.255.250", check=cluster_controller_ip("10.141.255.250"))
    s.luna("network change cluster --controller 10.141.255.249", check=cluster_controller_ip("10.141.255.249"))

    # network ---------------------------------------------------------------------------
    s.luna("network list", says=r"(?s)cluster.*ipmi")
    s.luna("network show cluster", says=r"10\.141\.0\.0")
    s.luna("network add testnet -N 10.150.0.0/16 -t ethernet -g 10.150.0.1",
           check=all_of(field("network", "testnet", "network", "10.150.0.0/16", "in"),
                        field("network", "testnet", "gateway", "10.150.0.1")))
    s.luna("network change testnet -g 10.150.0.254", check=field("network", "testnet", "gateway", "10.150.0.254"))
    s.luna("network change testnet -D y -b 10.150.1.1 -e 10.150.1.100",
           check=all_of(field("network", "testnet", "dhcp", None, "true"),
                        field("network", "testnet", "dhcp_range_begin", "10.150.1.1"),
                        field("network", "testnet", "dhcp_range_end", "10.150.1.100")))
    s.luna("network rename testnet testnet2", check=all_of(gone("network", "testnet"), exists("network", "testnet2")))
    s.luna("network reserve cluster", says=r"node001")
    s.luna("network ipinfo cluster 10.141.0.1", says=r"10\.141\.0\.1 is Taken")
    s.luna("network ipinfo cluster 10.141.200.200", says=r"10\.141\.200\.200 is Free")
    s.luna("network nextip cluster", says=r"Next Available IP Address is 10\.141\.\d+\.\d+", check=nextip_is_free(s, "cluster"))
    s.luna("network dns cluster add myhost 10.141.250.1", check=dns_entry("cluster", "myhost", "10.141.250.1"))
    s.luna("network dns cluster list", says=r"myhost")
    s.luna("network dns cluster change myhost 10.141.250.2", check=dns_entry("cluster", "myhost", "10.141.250.2"))
    s.luna("network dns cluster remove myhost", check=dns_entry("cluster", "myhost", None))
    s.luna("network route add r1 -D 10.200.0.0/16 -g 10.141.255.254",
           check=all_of(field("route", "r1", "destination", "10.200.0.0/16"), field("route", "r1", "gateway", "10.141.255.254")))
    s.luna("network route list", says=r"10\.200\.0\.0")
    s.luna("network route show r1", says=r"10\.141\.255\.254")
    s.luna("network route change r1 -m 50", check=field("route", "r1", "metric", 50))
    s.luna("network route remove r1", check=gone("route", "r1"))
    s.luna("network remove testnet2", check=gone("network", "testnet2"))
    s.luna("network show nosuchnet", ok=False, says=r"Network nosuchnet is not available")
    s.luna("network add Bad_Net -N 10.151.0.0/16", ok=False,
           says=r"Incorrect Naming convention with name Bad_Net", check=not_listed("network", "Bad_Net"))

    # osimage ---------------------------------------------------------------------------
    s.luna("osimage list", says=r"compute-image")
    s.luna("osimage show compute-image", says=r"/trinity/images/compute-image")
    s.luna("osimage member compute-image", says=r"node001")
    s.luna("osimage add testimage -p /trinity/images/testimage -d redhat",
           check=field("osimage", "testimage", "path", "/trinity/images/testimage"))
    s.luna("osimage change testimage -k 5.14.0-1", check=field("osimage", "testimage", "kernelversion", "5.14.0-1"))
    s.luna("osimage change testimage -t v1", check=field("osimage", "testimage", "tag", "v1"))
    s.luna("osimage tag change testimage v2", check=field("osimage", "testimage", "tag", "v2"))
    s.luna("osimage tag", says=r"(?s)testimage.*v2")
    s.luna("osimage tag show testimage", says=r"(?s)v1.*v2|v2.*v1")
    s.luna("osimage tag remove testimage v1", check=tag_gone("testimage", "v1"))
    s.luna("osimage clone testimage testclone", says=r"Cloned", check=exists("osimage", "testclone"))
    s.luna("osimage clone testimage testnocopy --nocopy", says=r"Cloned", check=exists("osimage", "testnocopy"))
    s.luna("osimage clone testimage testbare -b", says=r"Cloned", check=exists("osimage", "testbare"))
    s.luna("osimage rename testclone testclone2", check=all_of(gone("osimage", "testclone"), exists("osimage", "testclone2")))
    for name in ("testclone2", "testnocopy", "testbare"):
        s.luna(f"osimage remove {name}", check=gone("osimage", name))
    s.luna("osimage show nosuchimage", ok=False, says=r"No nosuchimage is available")
    s.luna("osimage remove compute-image", ok=False, says=r"(?i)in use", check=exists("osimage", "compute-image"))

    # bmcsetup --------------------------------------------------------------------------
    s.luna("bmcsetup list", says=r"default-bmcsetup")
    s.luna("bmcsetup show default-bmcsetup", says=r"admin")
    s.luna("bmcsetup member default-bmcsetup", says=r"node001")
    s.luna("bmcsetup add testbmc -u root -p s3cret -i 3",
           check=all_of(field("bmcsetup", "testbmc", "username", "root"), field("bmcsetup", "testbmc", "userid", 3)))
    s.luna("bmcsetup change testbmc -n 2", check=field("bmcsetup", "testbmc", "netchannel", 2))
    s.luna("bmcsetup clone testbmc testbmc2", check=field("bmcsetup", "testbmc2", "username", "root"))
    s.luna("bmcsetup rename testbmc2 testbmc3", check=all_of(gone("bmcsetup", "testbmc2"), exists("bmcsetup", "testbmc3")))
    s.luna("bmcsetup remove testbmc3", check=gone("bmcsetup", "testbmc3"))
    s.luna("bmcsetup add default-bmcsetup -u x", ok=False, says=r"default-bmcsetup already present in Bmcsetup")
    s.luna("bmcsetup remove default-bmcsetup", ok=False, says=r"(?i)in use", check=exists("bmcsetup", "default-bmcsetup"))

    # switch (the shipped bootstrap seeds none) --------------------------------------
    s.luna("switch add switch02 -N cluster -I 10.141.250.10 -o .1.3.6.1.2.1.17.7.1.2.2.1.2 -r public",
           check=all_of(field("switch", "switch02", "ipaddress", "10.141.250.10"), field("switch", "switch02", "read", "public")))
    s.luna("switch list", says=r"switch02")
    s.luna("switch show switch02", says=r"1\.3\.6\.1\.2\.1\.17\.7\.1\.2\.2\.1\.2")
    s.luna("switch change switch02 -r private", check=field("switch", "switch02", "read", "private"))
    s.luna("switch clone switch02 switch03 -I 10.141.250.11",
           check=all_of(field("switch", "switch03", "ipaddress", "10.141.250.11"), field("switch", "switch03", "read", "private")))
    s.luna("switch rename switch03 switch04", check=all_of(gone("switch", "switch03"), exists("switch", "switch04")))
    s.luna("switch remove switch04", check=gone("switch", "switch04"))
    s.luna("switch add switch02 -r public", ok=False, says=r"switch02 already present in Switch",
           check=field("switch", "switch02", "read", "private"))

    # otherdev --------------------------------------------------------------------------
    s.luna("otherdev add pdu01 -N cluster -I 10.141.250.20 -M aa:bb:cc:dd:ee:01 --vendor apc",
           check=all_of(field("otherdev", "pdu01", "ipaddress", "10.141.250.20"),
                        field("otherdev", "pdu01", "macaddress", "aa:bb:cc:dd:ee:01"),
                        field("otherdev", "pdu01", "vendor", "apc")))
    s.luna("otherdev list", says=r"pdu01")
    s.luna("otherdev show pdu01", says=r"10\.141\.250\.20")
    s.luna("otherdev change pdu01 --vendor eaton", check=field("otherdev", "pdu01", "vendor", "eaton"))
    s.luna("otherdev clone pdu01 pdu02 -I 10.141.250.21 -M aa:bb:cc:dd:ee:02",
           check=all_of(field("otherdev", "pdu02", "ipaddress", "10.141.250.21"), field("otherdev", "pdu02", "vendor", "eaton")))
    s.luna("otherdev rename pdu02 pdu03", check=all_of(gone("otherdev", "pdu02"), exists("otherdev", "pdu03")))
    s.luna("otherdev remove pdu03", check=gone("otherdev", "pdu03"))
    s.luna("otherdev remove pdu01", check=gone("otherdev", "pdu01"))
    s.luna("otherdev show pdu01", ok=False, says=r"pdu01")

    # group -----------------------------------------------------------------------------
    s.luna("group list", says=r"compute-group")
    s.luna("group show compute-group", says=r"compute-image")
    s.luna("group member compute-group", says=r"(?s)node001.*node004")
    s.luna("group add testgroup -o compute-image -if BOOTIF -N cluster",
           check=all_of(field("group", "testgroup", "osimage", "compute-image"),
                        interface("group", "testgroup", "BOOTIF", network="cluster")))
    s.luna("group change testgroup -p http", check=field("group", "testgroup", "provision_method", "http"))
    s.luna("group change testgroup -qc 'test group'", check=field("group", "testgroup", "comment", "test group", "b64"))
    s.luna("group changeinterface testgroup BOOTIF --mtu 9000", check=interface("group", "testgroup", "BOOTIF", mtu="9000"))
    s.luna("group changeinterface testgroup BMC -N ipmi", check=interface("group", "testgroup", "BMC", network="ipmi"))
    s.luna("group listinterface testgroup", says=r"(?s)BOOTIF.*BMC|BMC.*BOOTIF")
    s.luna("group showinterface testgroup BOOTIF", says=r"cluster")
    s.luna("group renameinterface testgroup BMC BMC2",
           check=all_of(interface("group", "testgroup", "BMC2", network="ipmi"), interface("group", "testgroup", "BMC", absent=True)))
    s.luna("group removeinterface testgroup BMC2", check=interface("group", "testgroup", "BMC2", absent=True))
    s.luna("group clone testgroup testgroup2", check=all_of(field("group", "testgroup2", "osimage", "compute-image"),
                                                            interface("group", "testgroup2", "BOOTIF", network="cluster")))
    s.luna("group rename testgroup2 testgroup3", check=all_of(gone("group", "testgroup2"), exists("group", "testgroup3")))
    s.luna("group remove testgroup3", check=gone("group", "testgroup3"))
    s.luna("group add compute-group", ok=False, says=r"compute-group already present in Group")
    s.luna("group show nosuchgroup", ok=False, says=r"No group nosuchgroup available")

    # node ------------------------------------------------------------------------------
    s.luna("node list", says=r"(?s)node001.*node004")
    s.luna("node show node001", says=r"(?s)compute-group.*10\.141\.0\.1")
    s.luna("node add node010 -g compute-group",
           check=all_of(field("node", "node010", "group", "compute-group"),
                        interface("node", "node010", "BOOTIF", network="cluster",
                                  ipaddress=lambda ip: str(ip).startswith("10.141."))))
    s.luna("node add node[011-013] -g testgroup",
           check=all_of(*[field("node", f"node{n}", "group", "testgroup") for n in ("011", "012", "013")]))
    s.luna("node change node010 -n n", check=field("node", "node010", "netboot", None, "false"))
    s.luna("node change node010 --switch switch02 --switchport 12",
           check=all_of(field("node", "node010", "switch", "switch02"), field("node", "node010", "switchport", "12")))
    s.luna("node change node[011-012] -m y",
           check=all_of(field("node", "node011", "bootmenu", None, "true"), field("node", "node012", "bootmenu", None, "true")))
    s.luna("node change node013 -qc 'rack 12'", check=field("node", "node013", "comment", "rack 12", "b64"))
    s.luna("node changeinterface node010 BOOTIF -M 52:54:00:00:00:10",
           check=interface("node", "node010", "BOOTIF", macaddress="52:54:00:00:00:10"))
    s.luna("node changeinterface node010 BOOTIF -I 10.141.10.10", check=interface("node", "node010", "BOOTIF", ipaddress="10.141.10.10"))
    s.luna("node changeinterface node010 ib0 -N ib", check=interface("node", "node010", "ib0", network="ib"))
    s.luna("node listinterface node010", says=r"(?s)BOOTIF.*ib0|ib0.*BOOTIF")
    s.luna("node showinterface node010 BOOTIF", says=r"52:54:00:00:00:10")
    s.luna("node renameinterface node010 ib0 ib1",
           check=all_of(interface("node", "node010", "ib1", network="ib"), interface("node", "node010", "ib0", absent=True)))
    s.luna("node removeinterface node010 ib1", check=interface("node", "node010", "ib1", absent=True))
    s.luna("node clone node010 node020", check=all_of(field("node", "node020", "group", "compute-group"),
                                                     interface("node", "node020", "BOOTIF", network="cluster")))
    s.luna("node clone node010 node[021-022]", check=all_of(exists("node", "node021"), exists("node", "node022")))
    s.luna("node rename node020 node030", check=all_of(gone("node", "node020"), exists("node", "node030")))
    s.luna("node remove node030", check=gone("node", "node030"))
    s.luna("node remove node[021-022]", check=all_of(gone("node", "node021"), gone("node", "node022")))
    s.luna("node add node001 -g compute-group", ok=None, says=r"Node already present in database: node001")
    s.luna("node show node999", ok=False, says=r"Node node999 is not available")
    s.luna("node remove node999", ok=None, says=r"Node is not present in database: node999")
    s.luna("node add node050 -g nosuchgroup", ok=False, says=r"group nosuchgroup is not known or valid",
           check=gone("node", "node050"))
    s.luna("node add Node_Bad -g compute-group", ok=False, says=r"Incorrect Naming convention with name Node_Bad",
           check=not_listed("node", "Node_Bad"))
    s.luna("node show node[001-002]", ok=False, says=r"Incorrect Naming convention with name node\[001-002\]")

    # secrets ---------------------------------------------------------------------------
    s.luna("secrets add node node001 sshkey -qc secret-one -p /etc/ssh/key1",
           check=secret("node", "node001", "sshkey", "secret-one", "/etc/ssh/key1"))
    s.luna("secrets list node node001", says=r"sshkey")
    s.luna("secrets show node node001 -s sshkey", says=r"/etc/ssh/key1")
    s.luna("secrets change node node001 sshkey -p /etc/ssh/key2 -qc secret-two",
           check=secret("node", "node001", "sshkey", "secret-two", "/etc/ssh/key2"))
    s.luna("secrets clone node node001 sshkey sshkey2 -p /etc/ssh/key3",
           check=secret("node", "node001", "sshkey2", "secret-two", "/etc/ssh/key3"))
    s.luna("secrets clone node node001 sshkey sshkey3 -qc secret-three -p /etc/ssh/key4",
           check=secret("node", "node001", "sshkey3", "secret-three", "/etc/ssh/key4"))
    s.luna("secrets remove node node001 sshkey2", check=secret_gone("node", "node001", "sshkey2"))
    s.luna("secrets remove node node001 sshkey3", check=secret_gone("node", "node001", "sshkey3"))
    s.luna("secrets add group compute-group gkey -qc group-data -p /etc/gkey",
           check=secret("group", "compute-group", "gkey", "group-data", "/etc/gkey"))
    s.luna("secrets list group compute-group", says=r"gkey")
    s.luna("secrets show group compute-group gkey", says=r"/etc/gkey")
    s.luna("secrets change group compute-group gkey -p /etc/gkey2", check=secret("group", "compute-group", "gkey", "group-data", "/etc/gkey2"))
    s.luna("secrets clone group compute-group gkey gkey2 -p /etc/gkey3",
           check=secret("group", "compute-group", "gkey2", "group-data", "/etc/gkey3"))
    s.luna("secrets list", says=r"(?s)(gkey.*sshkey|sshkey.*gkey)")
    s.luna("secrets remove group compute-group gkey2", check=secret_gone("group", "compute-group", "gkey2"))
    s.luna("secrets show node node001 -s nosuch", ok=False, says=r"Secret nosuch is unavailable for node node001")
    s.luna("secrets add node node001 sshkey -qc again", ok=False, says=r"sshkey already present in node")

    # refusals that would break the rest of the cluster come last -----------------------
    s.luna("group remove compute-group", ok=False, says=r"group compute-group currently in use by",
           check=exists("group", "compute-group"))
    s.luna("node remove node[010-013]", check=all_of(*[gone("node", f"node{n}") for n in ("010", "011", "012", "013")]))
    s.luna("group remove testgroup", check=gone("group", "testgroup"))
    s.luna("osimage remove testimage", check=gone("osimage", "testimage"))
    s.luna("bmcsetup remove testbmc", check=gone("bmcsetup", "testbmc"))
    s.luna("switch remove switch02", check=gone("switch", "switch02"))


def cluster_field(key, want, how="eq"):
    def check(api):
        status, body = api.get("/config/cluster")
        if status != 200 or not isinstance(body, dict):
            return f"GET /config/cluster -> {status} {short(body)}"
        have = body.get("config", {}).get("cluster", {}).get(key)
        good = falsy(have) if how == "false" else (have == want or str(have) == str(want))
        return None if good else f"cluster {key} is {have!r}, expected {want!r}"

    return check


def nextip_is_free(session, network):
    """The address the client printed is one the API calls free."""

    def check(api):
        found = re.search(r"Next Available IP Address is ([0-9.]+[0-9])", session.last_output)
        status, body = api.get(f"/config/network/{network}/{found.group(1)}")
        state = (body or {}).get("config", {}).get("network", {}).get(found.group(1), {}) if isinstance(body, dict) else {}
        return None if state.get("status") == "free" else f"GET /config/network/{network}/{found.group(1)} -> {status} {short(body)}"

    return check


def tag_gone(image, tag):
    def check(api):
        status, body = api.get("/config/osimagetag")
        tags = body.get("config", {}).get("osimagetag", {}) if status == 200 and isinstance(body, dict) else {}
        for key, value in tags.items():
            if isinstance(value, dict) and tag in (key, value.get("name")) and value.get("osimage", image) == image:
                return f"tag {tag} of {image} still listed: {short(value)}"
        return None

    return check


# ----------------------------------------------------------------------------- lunad


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(process, base, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            return f"lunad exited with {process.returncode}"
        try:
            with urllib.request.urlopen(base + "/version", timeout=2) as response:
                if response.status == 200:
                    return None
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return f"lunad did not answer GET /version within {seconds} s"


def stop(process, seconds=30):
    """SIGTERM, then SIGKILL after `seconds`. Returns None or what went wrong."""
    if process.poll() is not None:
        return f"lunad had already exited with {process.returncode}"
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return f"lunad still running {seconds} s after SIGTERM (killed)"
    return None if code == 0 else f"lunad exited with {code} after SIGTERM"


def tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="folder with lunad and luna")
    parser.add_argument("--config", required=True, help="luna.ini for lunad (Config/luna.ini)")
    parser.add_argument("--cli-src", required=True, help="the unpacked luna2-cli (holds luna/)")
    parser.add_argument("--work", required=True, help="empty scratch directory")
    parser.add_argument("--port", type=int, help="API port for lunad (default: a free one)")
    parser.add_argument("--cli-port", type=int, help="port the client talks to (default: lunad's)")
    parser.add_argument("--details", help="write the exchanges of every failed step here")
    options = parser.parse_args()

    ini = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    ini.read(options.config)
    username = ini.get("API", "USERNAME", fallback="luna")
    password = ini.get("API", "PASSWORD", fallback="luna")
    secret_key = ini.get("API", "SECRET_KEY")

    port = options.port or free_port()
    base = f"http://127.0.0.1:{port}"
    data = os.path.join(options.work, "data")
    os.makedirs(os.path.join(options.work, "cli", "log"), exist_ok=True)
    with open(os.path.join(options.work, "cli", "luna.ini"), "w", encoding="utf-8") as cli_ini:
        cli_ini.write(
            "[API]\n"
            f"USERNAME = {username}\nPASSWORD = {password}\nSECRET_KEY = {secret_key}\n"
            f"ENDPOINT = 127.0.0.1:{options.cli_port or port}\nPROTOCOL = http\n"
            "VERIFY_CERTIFICATE = no\nEXPIRY = 1h\n"
        )

    lunad_log = os.path.join(options.work, "lunad.log")
    with open(lunad_log, "w") as log:
        process = subprocess.Popen(
            [os.path.join(options.bin, "lunad"), "--config", options.config, "--data-dir", data, "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    with open(os.path.join(options.work, "lunad.pid"), "w") as pid:
        pid.write(str(process.pid))

    api = Api(base, username, password)
    session = Session(options, api)
    started = time.time()
    try:
        problem = wait_ready(process, base)
        session.step(f"lunad --config {os.path.relpath(options.config)} --data-dir DIR --port PORT",
                     problem and f"{problem}: {one_line(tail(lunad_log))}")
        if problem is None:
            operator_session(session, api)
            control_session(session, api, options.work)
    except KeyboardInterrupt:
        session.step("session", "interrupted")
    finally:
        stopped = stop(process)
    session.step("lunad stops on SIGTERM", stopped)
    replay = subprocess.run(
        [os.path.join(options.bin, "luna"), "log", "replay", "--data-dir", data, "--verify"],
        capture_output=True, text=True, timeout=120,
    )
    session.step(
        "luna log replay --data-dir DIR --verify",
        None if replay.returncode == 0 else f"exit {replay.returncode}: {one_line(replay.stdout + replay.stderr)}",
    )
    if options.details:
        with open(options.details, "w", encoding="utf-8") as details:
            for label, problem, detail in session.details:
                details.write(f"=== {label}\n{problem}\n{detail}\n\n")
            if session.failed:
                details.write(f"=== lunad log (last lines)\n{tail(lunad_log, 40)}\n")
    print(f"# {time.time() - started:.0f} s", flush=True)
    print(f"{session.passed} passed, {session.failed} failed", flush=True)
    return 1 if session.failed else 0


if __name__ == "__main__":
    sys.exit(main())
