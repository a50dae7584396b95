# Roles plugin "default": serves any role that has no plugin of its own. The installer
# writes the unit as luna-<role>.service and the script as /usr/local/roles/<role>; the
# controller replaces every literal word ROLE in the unit with the role's name, so the unit
# may use that word nowhere else.
# The script only logs that the role has nothing to do: the role still shows in the
# journal of each node that carries it.

#@ segment unit
[Unit]
Description=Luna role ROLE
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/roles/ROLE

[Install]
WantedBy=multi-user.target

#@ segment script
#!/bin/bash
logger -t luna-role "role $(basename "$0") has no plugin of its own; nothing to do"
exit 0
