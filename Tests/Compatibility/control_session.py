"""luna2-cli's `control` commands against simulated BMCs.

Two pyghmi BMCs (Deploy/bmc-sim ipmi) listen on 127.0.11.1 and 127.0.11.2, port 623, so
this part needs root; without it the part is skipped with a line saying so. The BMCs'
state files show what each command did to them; the API shows the nodes' monitor state.
"""

import os
import select
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "sim-bmc-pass"
BMCS = {"simnode1": "127.0.11.1", "simnode2": "127.0.11.2"}


def start_simulator(folder, seconds=300):
    """Deploy/bmc-sim ipmi, once it has printed `ready`; (process, None) or (None, why)."""
    sim = subprocess.Popen(
        [os.path.join(ROOT, "Deploy", "bmc-sim"), "ipmi", folder, "admin", PASSWORD, *BMCS.values()],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
    )
    said = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        readable, _, _ = select.select([sim.stdout], [], [], 1)
        if readable:
            line = sim.stdout.readline()
            if line.strip() == "ready":
                return sim, None
            if line:
                said.append(line.strip())
        if sim.poll() is not None:
            return None, f"bmc-sim exited with {sim.returncode}: {' | '.join(said[-5:])}"
    sim.kill()
    sim.wait()
    return None, f"bmc-sim was not ready within {seconds} s: {' | '.join(said[-5:])}"


def powered(folder, node, want):
    def check(api):
        with open(os.path.join(folder, f"{BMCS[node]}.power"), encoding="utf-8") as state:
            have = state.read().strip()
        return None if have == want else f"the BMC of {node} is {have}, expected {want}"

    return check


def monitor_state(node, want):
    """luna2 shows a power action as the node's state: `GET /monitor/node/<node>`."""

    def check(api):
        status, body = api.get(f"/monitor/node/{node}")
        have = (body or {}).get("monitor", {}).get("status", {}).get(node, {}).get("state") if status == 200 else None
        return None if have == want else f"GET /monitor/node/{node} -> {status}, state {have!r}, expected {want!r}"

    return check


def both(*checks):
    def check(api):
        return next((problem for problem in (c(api) for c in checks) if problem), None)

    return check


def control_session(s, api, work):
    if os.geteuid() != 0:
        print("skip control: the simulated BMCs listen on port 623, which needs root", flush=True)
        return
    folder = os.path.join(work, "bmc")
    sim, problem = start_simulator(folder)
    s.step("Deploy/bmc-sim ipmi (two pyghmi BMCs on 127.0.11.1-2)", problem)
    if sim is None:
        return
    try:
        s.luna("network add bmcsim -N 127.0.11.0/24 -t ethernet", check=lambda a: None if a.obj("network", "bmcsim") else "no bmcsim")
        s.luna(f"bmcsetup add simbmc -u admin -p {PASSWORD}", check=lambda a: None if a.obj("bmcsetup", "simbmc") else "no simbmc")
        for node, address in BMCS.items():
            s.luna(f"node add {node} -g compute-group -b simbmc", check=lambda a, n=node: None if a.obj("node", n) else f"no {n}")
            s.luna(f"node changeinterface {node} BMC -N bmcsim -I {address}")
        s.luna("control power status simnode1", says=r"(?i)\boff\b")
        s.luna("control power on simnode1", check=both(powered(folder, "simnode1", "on"), monitor_state("simnode1", "power on")))
        s.luna("control power status simnode[1-2]", says=r"(?s)(simnode1.*simnode2|simnode2.*simnode1)")
        s.luna("control power on simnode[1-2]", check=both(powered(folder, "simnode1", "on"), powered(folder, "simnode2", "on")))
        s.luna("control power off simnode[1-2]",
               check=both(powered(folder, "simnode1", "off"), powered(folder, "simnode2", "off"), monitor_state("simnode2", "power off")))
        s.luna("control power status nosuchnode", ok=None, says=r"host nosuchnode does not exist")
        for node in BMCS:
            s.luna(f"node remove {node}", check=lambda a, n=node: None if a.obj("node", n) is None else f"{n} still there")
        s.luna("bmcsetup remove simbmc")
        s.luna("network remove bmcsim")
    finally:
        sim.kill()
        sim.wait()
