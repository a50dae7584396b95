#!/bin/bash
# Install hook "default": the controller that records a milestone of a node's install
# (install.discovered, install.success, install.error, install.refused) runs it with
# LUNA_NODE, LUNA_STATE and LUNA_GROUP in the environment. It logs one line to syslog; a
# site replaces it to act on installs (e.g. tell its scheduler on install.success).
logger -t luna-install "node ${LUNA_NODE:-?} (group ${LUNA_GROUP:-?}): ${LUNA_STATE:-?}"
exit 0
