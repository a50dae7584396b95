/// The status page, whole: markup, style and script inline, no asset from elsewhere. It
/// logs in with the admin's name and password (`POST /token`), keeps the token for the
/// browser tab only, and draws what `/status/stream` sends: the members, the beacon, the
/// incidents, and one cell per node, changed in place as states arrive.
enum StatusPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Luna status</title>
        <style>
        [hidden] { display: none !important; }
        body { font: 14px system-ui, sans-serif; margin: 1em 2em; color: #1b1f24; background: #f6f7f9; }
        h1 { font-size: 20px; margin: 0 0 .5em; } h2 { font-size: 16px; margin: 1.2em 0 .4em; }
        table { border-collapse: collapse; background: #fff; }
        td, th { padding: 3px 10px; border-bottom: 1px solid #e1e4e8; text-align: left; }
        .good { color: #1a7f37; } .bad { color: #cf222e; font-weight: 600; } .muted { color: #6e7781; }
        #login { background: #fff; padding: 1em; display: inline-block; border: 1px solid #d0d7de; }
        #login input { margin: 0 .5em .5em 0; }
        #grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(64px, 1fr)); gap: 2px; }
        .cell { font: 10px monospace; padding: 3px 2px; border-radius: 2px; overflow: hidden; white-space: nowrap;
                text-overflow: ellipsis; background: #d0d7de; color: #1b1f24; }
        .cell .state { display: block; opacity: .8; overflow: hidden; text-overflow: ellipsis; }
        .cell.busy { background: #54aeff; } .cell.done { background: #4ac26b; } .cell.failed { background: #ff8182; }
        .cell.off { background: #8c959f; color: #fff; } .cell.hidden { display: none; }
        #legend span { margin-right: 1em; }
        </style>
        </head>
        <body>
        <h1>Luna status <span id="controller" class="muted"></span></h1>
        <form id="login" hidden>
          <div>Log in as an administrator to see the cluster.</div>
          <input id="username" placeholder="user" autocomplete="username">
          <input id="password" type="password" placeholder="password" autocomplete="current-password">
          <button type="submit">Log in</button>
          <div id="loginerror" class="bad"></div>
        </form>
        <div id="board" hidden>
          <div id="connection" class="muted"></div>
          <h2>Controllers</h2>
          <table><thead><tr><th>name</th><th>role</th><th>in sync</th><th>lag (events)</th><th>heard</th><th>clock</th></tr></thead>
          <tbody id="members"></tbody></table>
          <div id="merkle"></div>
          <div id="beacon"></div>
          <div id="log" class="muted"></div>
          <h2>Incidents</h2>
          <ul id="incidents"></ul>
          <h2>Nodes <span id="nodecount" class="muted"></span></h2>
          <div id="legend"></div>
          <p><input id="filter" placeholder="filter by name or state"></p>
          <div id="grid"></div>
        </div>
        <script>
        "use strict";
        const $ = (id) => document.getElementById(id);
        const nodes = new Map();
        let token = sessionStorage.getItem("luna-token");

        function text(tag, value, cls) {
          const element = document.createElement(tag);
          element.textContent = value;
          if (cls) element.className = cls;
          return element;
        }

        function kind(state) {
          if (!state) return "none";
          if (/error|refused|fail/.test(state)) return "failed";
          if (state === "install.success" || state === "power on") return "done";
          if (state === "power off") return "off";
          if (state.startsWith("install.")) return "busy";
          return "none";
        }

        function showCluster(status) {
          $("controller").textContent = "as seen by " + status.controller;
          const rows = (status.members || []).map((member) => {
            const row = document.createElement("tr");
            const clock = Object.entries(member.clock || {}).map(([k, v]) => k + ":" + v).join(" ");
            const heard = typeof member.lag_seconds === "number" ? member.lag_seconds.toFixed(1) + " s ago" : "here";
            row.append(text("td", member.name), text("td", member.role),
              text("td", member.insync ? "yes" : "no", member.insync ? "good" : "bad"),
              text("td", member.lag_events), text("td", heard, "muted"), text("td", clock, "muted"));
            return row;
          });
          $("members").replaceChildren(...rows);
          const merkle = Object.entries(status.merkle || {});
          const differing = merkle.filter(([, v]) => v === false).map(([k]) => k);
          const unknown = merkle.filter(([, v]) => v === null).length;
          $("merkle").replaceChildren(differing.length
            ? text("span", "Views DIFFER in: " + differing.join(", "), "bad")
            : text("span", unknown ? "Views: agreement not known yet for " + unknown + " tables (clocks differ)"
                                   : "Views: every table agrees on every member", unknown ? "muted" : "good"));
          const beacon = status.beacon;
          $("beacon").textContent = beacon
            ? "Beacon " + (beacon.address || "(no beacon_ip)") + ": held by " + (beacon.holder || "nobody known")
            : "Beacon: not managed by this controller";
          const log = status.log || {};
          $("log").textContent = "Log: " + log.events + " events after the snapshot";
          const incidents = status.incidents || [];
          $("incidents").replaceChildren(...(incidents.length ? incidents.map((line) => text("li", line, "bad"))
                                                              : [text("li", "none", "muted")]));
        }

        function showNodes(changed) {
          const grid = $("grid");
          let added = false;
          for (const [name, state] of Object.entries(changed)) {
            let cell = nodes.get(name);
            if (state === null) {
              if (cell) { cell.remove(); nodes.delete(name); }
              continue;
            }
            if (!cell) {
              cell = text("div", name, "cell");
              cell.id = "node-" + name;
              cell.append(text("span", "", "state"));
              nodes.set(name, cell);
              added = true;
            }
            cell.dataset.state = state;
            cell.className = "cell " + kind(state);
            cell.title = name + ": " + (state || "no state reported");
            cell.lastChild.textContent = state ? state.replace(/^install\./, "") : "\u2013";
          }
          if (added) grid.replaceChildren(...[...nodes.keys()].sort().map((name) => nodes.get(name)));
          applyFilter();
          const counts = {};
          for (const cell of nodes.values()) counts[kind(cell.dataset.state)] = (counts[kind(cell.dataset.state)] || 0) + 1;
          $("nodecount").textContent = "(" + nodes.size + ")";
          const names = { busy: "installing", done: "installed or on", failed: "failed", off: "off", none: "no state" };
          $("legend").replaceChildren(...Object.keys(names).filter((k) => counts[k])
            .map((k) => text("span", names[k] + ": " + counts[k])));
        }

        function applyFilter() {
          const wanted = $("filter").value.trim();
          for (const [name, cell] of nodes) {
            const shown = !wanted || name.includes(wanted) || (cell.dataset.state || "").includes(wanted);
            cell.classList.toggle("hidden", !shown);
          }
        }

        async function stream() {
          while (token) {
            try {
              const response = await fetch("/status/stream", { headers: { "x-access-tokens": token } });
              if (response.status === 401) { logout("Your login has expired; log in again."); return; }
              if (!response.ok) throw new Error("the controller answered " + response.status);
              $("connection").textContent = "live";
              const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
              let buffer = "";
              for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += value;
                let end;
                while ((end = buffer.indexOf("\n\n")) >= 0) {
                  const block = buffer.slice(0, end);
                  buffer = buffer.slice(end + 2);
                  const event = /^event: (.*)$/m.exec(block);
                  const data = /^data: (.*)$/m.exec(block);
                  if (!event || !data) continue;
                  const value = JSON.parse(data[1]);
                  if (event[1] === "cluster") showCluster(value); else if (event[1] === "nodes") showNodes(value);
                }
              }
            } catch (error) {
              $("connection").textContent = "connection lost (" + error.message + "); trying again";
              await new Promise((resolve) => setTimeout(resolve, 2000));
            }
          }
        }

        function logout(message) {
          token = null;
          sessionStorage.removeItem("luna-token");
          $("board").hidden = true;
          $("login").hidden = false;
          $("loginerror").textContent = message || "";
        }

        $("login").addEventListener("submit", async (event) => {
          event.preventDefault();
          const response = await fetch("/token", {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: $("username").value, password: $("password").value }),
          });
          const body = await response.json().catch(() => ({}));
          if (!body.token) { $("loginerror").textContent = body.message || "The login was refused."; return; }
          token = body.token;
          sessionStorage.setItem("luna-token", token);
          $("loginerror").textContent = "";
          $("password").value = "";
          start();
        });
        $("filter").addEventListener("input", applyFilter);

        function start() {
          $("login").hidden = true;
          $("board").hidden = false;
          stream();
        }
        if (token) start(); else logout();
        </script>
        </body>
        </html>
        """#
}
