# Roles plugin "bond": at every boot, (re)activates the node's NetworkManager bonds and
# their ports. Luna writes bonds natively (NIC_TYPE=bond in the network plugins); this role
# is for nodes where a port stays down because another profile claimed it first, or where
# NetworkManager gave up on a slow link. luna2's bond role built one bond from fixed device
# names with nmcli and was deprecated; this one takes the bonds NetworkManager already has.
# The controller replaces every literal word ROLE in the unit with the role's name.

#@ segment unit
[Unit]
Description=Luna role ROLE: bring up NetworkManager bonds and their ports
Wants=NetworkManager.service
After=NetworkManager.service
Before=network-online.target

[Service]
Type=oneshot
ExecStart=/usr/local/roles/ROLE

[Install]
WantedBy=multi-user.target

#@ segment script
#!/bin/bash
log() { logger -t "luna-role-$(basename "$0")" "$*"; }
if ! command -v nmcli >/dev/null 2>&1; then
    log "nmcli not found: no NetworkManager bonds to bring up"
    exit 0
fi
# Profiles are loaded once NetworkManager has finished starting.
nm-online -s -q -t 60 || log "NetworkManager has not finished starting; going on"

up() {
    if [ "$(nmcli -g GENERAL.STATE connection show "$1" 2>/dev/null)" = activated ]; then return 0; fi
    log "activating $2"
    nmcli connection up "$1" >/dev/null 2>&1 && return 0
    log "could not activate $2"
    return 1
}
# The bond a port profile belongs to: the controller key since NetworkManager 1.46, master before.
controller_of() {
    nmcli -g connection.controller connection show "$1" 2>/dev/null || nmcli -g connection.master connection show "$1" 2>/dev/null
}

failed=0
profiles=$(nmcli -g UUID,TYPE connection show)
for bond in $(echo "$profiles" | awk -F: '$2 == "bond" { print $1 }'); do
    ifname=$(nmcli -g connection.interface-name connection show "$bond")
    up "$bond" "bond $ifname" || failed=1
    for port in $(echo "$profiles" | awk -F: '$2 != "bond" { print $1 }'); do
        case $(controller_of "$port") in
            "$bond"|"$ifname") up "$port" "port $(nmcli -g connection.interface-name connection show "$port") of $ifname" || failed=1 ;;
        esac
    done
done
exit "$failed"
