#!/bin/bash
# Sent instead of the installer when node {{ NODE_NAME }} cannot be installed: the node
# side prints why, waits and asks again.
echo Luna: {{ REASON|shell }} >&2
exit 1
