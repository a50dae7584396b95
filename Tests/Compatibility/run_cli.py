#!/usr/bin/env python3
"""Runs the unpacked luna2-cli once, as an operator would, with its fixed paths moved.

luna2-cli reads its ini, token and log from fixed absolute paths, and its package
initialiser creates /var/log/luna and copies an ini under /trinity on import. This
wrapper registers the package without running that initialiser, points the path
constants at a private directory before any other module of the client is imported,
records every HTTP exchange to a trace file, and then hands over to the client's own
entry point. The client's files are used as they are.

Environment:
  LUNA2_CLI_SRC    the unpacked client (the directory holding `luna/`)
  LUNA2_CLI_HOME   private directory: luna.ini (written by the driver), token, log
  LUNA2_CLI_TRACE  optional: JSON lines, one per HTTP exchange
Arguments: the client's own (for example `node show node001`).
"""

import importlib
import json
import os
import sys
import types


def _install_trace(path):
    """Appends one JSON line per request the client makes (after it returns)."""
    import requests.sessions

    original = requests.sessions.Session.request
    state = {"phase": "preamble"}

    def request(self, method, url, *args, **kwargs):
        body = kwargs.get("json")
        if body is None and kwargs.get("data") is not None:
            body = kwargs.get("data")
            if isinstance(body, bytes):
                body = body.decode("utf-8", "replace")
        entry = {"phase": state["phase"], "method": method.upper(), "url": url, "body": body}
        try:
            response = original(self, method, url, *args, **kwargs)
        except Exception as error:  # recorded, then the client handles it as usual
            entry["error"] = repr(error)
            _append(path, entry)
            raise
        entry["status"] = response.status_code
        entry["response"] = response.content.decode("utf-8", "replace")[:4000]
        _append(path, entry)
        return response

    requests.sessions.Session.request = request
    return state


def _append(path, entry):
    with open(path, "a", encoding="utf-8") as trace:
        trace.write(json.dumps(entry) + "\n")


def main():
    source = os.environ["LUNA2_CLI_SRC"]
    home = os.environ["LUNA2_CLI_HOME"]
    trace = os.environ.get("LUNA2_CLI_TRACE")

    # The package without its initialiser (which writes under /trinity and /var/log).
    package = types.ModuleType("luna")
    package.__path__ = [os.path.join(source, "luna")]
    package.__file__ = os.path.join(source, "luna", "__init__.py")
    sys.modules["luna"] = package
    sys.path.insert(0, source)

    constant = importlib.import_module("luna.utils.constant")
    constant.INI_FILE = os.path.join(home, "luna.ini")
    constant.TOKEN_FILE = os.path.join(home, "token.txt")
    constant.LOG_DIR = os.path.join(home, "log")
    constant.LOG_FILE = os.path.join(home, "log", "luna2-cli.log")

    state = _install_trace(trace) if trace else None

    # argv[0] without "luna" in it: the client then reads the VERSION.txt at the top of
    # its tree (its setup.py would have written luna/VERSION.txt otherwise).
    sys.argv = ["client"] + sys.argv[1:]
    cli = importlib.import_module("luna.cli")
    if state is not None:
        # Requests made while the argument parser is built are the preamble; those from
        # call_class on are the command's own.
        call_class = cli.Cli.call_class

        def traced_call_class(self):
            state["phase"] = "command"
            return call_class(self)

        cli.Cli.call_class = traced_call_class
    cli.run_tool()


if __name__ == "__main__":
    main()
