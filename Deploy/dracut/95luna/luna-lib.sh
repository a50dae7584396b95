#!/bin/sh
# Functions of the luna hook (luna-start.sh), in POSIX sh as dracut runs it: bring up the
# NIC of luna.mac, log in at <luna.url>/tpm/<luna.node>, fetch and run
# /boot/install/<luna.node>, hand over to dracut. Specs/netboot.md §1 is the contract.

type getarg > /dev/null 2>&1 || . /lib/dracut-lib.sh
type setup_net > /dev/null 2>&1 || . /lib/net-lib.sh

LUNA_LOG=/tmp/luna_install.log
luna_mac=$(getarg luna.mac= | tr 'ABCDEF-' 'abcdef:')
luna_ip=$(getarg luna.ip=)
luna_gw=$(getarg luna.gw=)
luna_url=$(getarg luna.url=)
luna_url=${luna_url%/}
luna_node=$(getarg luna.node=)
luna_hostname=$(getarg luna.hostname=)
luna_loghost=$(getarg luna.loghost=)
luna_loghost=${luna_loghost#[}
luna_loghost=${luna_loghost%]}
luna_tries=$(getarg luna.tries=)
case "$luna_ip" in
    "" | dhcp) luna_bootproto=dhcp ;;
    *) luna_bootproto=static ;;
esac
case "$(getarg luna.verifycert=)" in
    no | false | 0) luna_insecure=--insecure ;;
    *) luna_insecure= ;;
esac

# A line on the console (the hook's standard output) and in the install log.
luna_say() {
    echo "luna: $*"
    echo "$(date '+%F %T') luna: $*" >> "$LUNA_LOG"
}

luna_curl() {
    # shellcheck disable=SC2086 # $luna_insecure is one option or none
    curl -sS --connect-timeout 10 --max-time 600 $luna_insecure "$@"
}

# The "message" of a JSON answer in FILE, else its first 200 bytes.
luna_message() {
    _luna_m=$(sed -n 's/.*"message"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$1" 2> /dev/null | head -n 1)
    [ -n "$_luna_m" ] || _luna_m=$(head -c 200 "$1" 2> /dev/null)
    echo "$_luna_m"
}

# The device whose MAC is $1, or status 1 while udev has not created it yet.
luna_find_nic() {
    for _luna_f in /sys/class/net/*/address; do
        [ -e "$_luna_f" ] || continue
        read -r _luna_a < "$_luna_f"
        [ "$_luna_a" = "$1" ] || continue
        _luna_f=${_luna_f%/address}
        echo "${_luna_f##*/}"
        return 0
    done
    return 1
}

# Status 0 once the NIC of luna.mac is configured (dracut's /tmp/net.<dev>.did-setup).
luna_network_up() {
    luna_bootif=$(luna_find_nic "$luna_mac") || return 1
    [ -e "/tmp/net.$luna_bootif.did-setup" ] && return 0
    if [ "$luna_bootproto" = dhcp ]; then
        # dhclient-script (network-legacy) queues the rest as an initqueue job: routes,
        # resolv.conf, then did-setup. Later passes wait for it.
        [ -e "/tmp/dhclient.$luna_bootif.pid" ] && return 1
        luna_say "$luna_bootif ($luna_mac): asking for an address by DHCP"
        linkup "$luna_bootif"
        if ! dhclient -4 -1 -q -cf /etc/dhclient.conf -pf "/tmp/dhclient.$luna_bootif.pid" \
            -lf "/tmp/dhclient.$luna_bootif.lease" "$luna_bootif"; then
            luna_say "$luna_bootif: no DHCP lease; asking again"
            rm -f "/tmp/dhclient.$luna_bootif.pid" "/tmp/dhclient.$luna_bootif.lease"
        fi
        return 1
    fi
    luna_say "$luna_bootif ($luna_mac): address $luna_ip${luna_gw:+, gateway $luna_gw}"
    linkup "$luna_bootif"
    ip addr flush dev "$luna_bootif"
    if ! ip addr add "$luna_ip" dev "$luna_bootif"; then
        luna_say "$luna_bootif: cannot set the address luna.ip=$luna_ip"
        return 1
    fi
    [ -n "$luna_gw" ] && echo "ip route replace default via $luna_gw dev $luna_bootif" > "/tmp/net.$luna_bootif.gw"
    setup_net "$luna_bootif"
    return 0
}

# PCR 0 (sha256) in lowercase hex when the node has a TPM, else nothing.
luna_tpm_sha256() {
    for _luna_dev in /dev/tpmrm0 /dev/tpm0; do
        [ -c "$_luna_dev" ] || continue
        if ! command -v tpm2_pcrread > /dev/null; then
            luna_say "$_luna_dev exists, but this initrd has no tpm2_pcrread: logging in without a TPM hash" >&2
            return 0
        fi
        _luna_h=$(TPM2TOOLS_TCTI="device:$_luna_dev" tpm2_pcrread sha256:0 2>> "$LUNA_LOG" \
            | sed -n 's/^[[:space:]]*0[[:space:]]*:[[:space:]]*0x\([0-9A-Fa-f]*\)[[:space:]]*$/\1/p' \
            | tr 'ABCDEF' 'abcdef')
        [ -n "$_luna_h" ] || luna_say "cannot read PCR 0 from $_luna_dev: logging in without a TPM hash" >&2
        echo "$_luna_h"
        return 0
    done
}

# KEY's value in an ini-style FILE (KEY=value or KEY = value), first occurrence.
luna_ini_value() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$2" | head -n 1 | tr -d '\r' | sed 's/[[:space:]]*$//'
}

luna_json_string() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

# Step 3: POST /tpm/<node>; sets luna_token.
luna_login() {
    _luna_body="{\"username\":$(luna_json_string "$(luna_ini_value USERNAME /etc/luna/node.ini)")"
    _luna_body="$_luna_body,\"password\":$(luna_json_string "$(luna_ini_value PASSWORD /etc/luna/node.ini)")"
    _luna_h=$(luna_tpm_sha256)
    [ -n "$_luna_h" ] && _luna_body="$_luna_body,\"tpm_sha256\":\"$_luna_h\""
    [ -r /etc/luna/node.secret ] \
        && _luna_body="$_luna_body,\"node_secret\":$(luna_json_string "$(cat /etc/luna/node.secret)")"
    # The password goes in a file, not on a command line that ps shows.
    (umask 077 && printf '%s}' "$_luna_body" > /lunatmp/login.json)
    luna_say "logging in at $luna_url/tpm/$luna_node${_luna_h:+ with TPM hash $_luna_h}"
    _luna_code=$(luna_curl -o /lunatmp/login.answer -w '%{http_code}' -H 'content-type: application/json' \
        --data-binary @/lunatmp/login.json "$luna_url/tpm/$luna_node" 2> /lunatmp/curl.err)
    rm -f /lunatmp/login.json
    case "$_luna_code" in
        200)
            luna_token=$(sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' /lunatmp/login.answer)
            [ -n "$luna_token" ] && return 0
            luna_say "POST /tpm/$luna_node answered 200 without a token"
            ;;
        401) luna_say "the controller refused the credentials of /etc/luna/node.ini: $(luna_message /lunatmp/login.answer)" ;;
        403) luna_say "the controller refused this node's TPM hash or node secret: $(luna_message /lunatmp/login.answer)" ;;
        000 | "") luna_say "cannot reach $luna_url: $(head -n 1 /lunatmp/curl.err)" ;;
        *) luna_say "POST /tpm/$luna_node answered HTTP $_luna_code: $(luna_message /lunatmp/login.answer)" ;;
    esac
    return 1
}

# Step 4: the installer into /lunatmp/install.sh.
luna_fetch() {
    _luna_code=$(luna_curl -o /lunatmp/install.sh -w '%{http_code}' -H "x-access-tokens: $luna_token" \
        "$luna_url/boot/install/$luna_node" 2> /lunatmp/curl.err)
    case "$_luna_code" in
        200) return 0 ;;
        000 | "") luna_say "cannot reach $luna_url: $(head -n 1 /lunatmp/curl.err)" ;;
        *) luna_say "GET /boot/install/$luna_node answered HTTP $_luna_code: $(luna_message /lunatmp/install.sh)" ;;
    esac
    return 1
}

# Step 5: run it, its output on the console and appended to the log.
luna_run() {
    luna_say "running the installer"
    {
        LUNA_BOOTIF=$luna_bootif LUNA_BOOTPROTO=$luna_bootproto /bin/bash /lunatmp/install.sh < /dev/null 2>&1
        echo $? > /lunatmp/install.rc
    } | tee -a "$LUNA_LOG"
    read -r _luna_rc < /lunatmp/install.rc
    [ "$_luna_rc" = 0 ] && return 0
    luna_say "the installer failed (exit $_luna_rc)"
    return 1
}

# Sends the log lines not sent yet to luna.loghost (syslog over UDP 514).
luna_forward_log() {
    [ -n "$luna_loghost" ] && command -v logger > /dev/null || return 0
    _luna_sent=0
    [ -r /tmp/luna.forwarded ] && read -r _luna_sent < /tmp/luna.forwarded
    _luna_total=$(wc -l < "$LUNA_LOG")
    [ "$_luna_total" -gt "$_luna_sent" ] || return 0
    tail -n "+$((_luna_sent + 1))" "$LUNA_LOG" \
        | logger -d -n "$luna_loghost" -P 514 -t "luna-$luna_node" 2> /dev/null
    echo "$_luna_total" > /tmp/luna.forwarded
}

luna_poweroff() {
    sync
    poweroff -f
    echo o > /proc/sysrq-trigger
    # The sysrq power-off runs asynchronously: nothing more is to happen meanwhile.
    sleep 60
}

luna_reboot() {
    sync
    reboot -f
    echo b > /proc/sysrq-trigger
    sleep 60
}

# luna.service=1: a shell on the console (the network is up) and a reboot when it ends, so
# the node then boots as the controller says.
luna_service() {
    luna_say "service mode (luna.service=1): no install; a shell on the console, and a reboot when it ends"
    _luna_tty=/dev/console
    if [ -r /sys/class/tty/console/active ]; then
        read -r _luna_a < /sys/class/tty/console/active
        [ -c "/dev/${_luna_a##* }" ] && _luna_tty=/dev/${_luna_a##* }
    fi
    setsid -c /bin/bash -i -l 0<> "$_luna_tty" 1<> "$_luna_tty" 2<> "$_luna_tty"
    luna_reboot
}

# Step 6: logs out, dhclient stopped, the NIC as the kernel gave it, the log in /sysroot.
luna_finish() {
    luna_say "installed: handing over to dracut for the switch into ${NEWROOT:-/sysroot}"
    luna_forward_log
    if [ -r "/tmp/dhclient.$luna_bootif.pid" ]; then
        read -r _luna_pid < "/tmp/dhclient.$luna_bootif.pid"
        kill "$_luna_pid" 2> /dev/null
        rm -f "/tmp/dhclient.$luna_bootif.pid"
    fi
    ip addr flush dev "$luna_bootif"
    ip link set dev "$luna_bootif" down
    if ismounted "${NEWROOT:-/sysroot}"; then
        mkdir -p "${NEWROOT:-/sysroot}/var/log"
        cp "$LUNA_LOG" "${NEWROOT:-/sysroot}/var/log/luna-install.log"
    else
        luna_say "the installer mounted nothing on ${NEWROOT:-/sysroot}: dracut will not find a root to switch into"
    fi
}

# Steps 3-6, with back-off between attempts (10 s doubling to 60 s); luna.tries=N powers
# the node off after N failed attempts.
luna_main() {
    mkdir -p /lunatmp
    [ -n "$luna_hostname" ] && echo "$luna_hostname" > /proc/sys/kernel/hostname
    getargbool 0 luna.service && luna_service
    case "$luna_tries" in
        "" | *[!0-9]* | 0)
            [ -n "$luna_tries" ] && luna_say "luna.tries=$luna_tries is not a positive number: trying until it works"
            luna_tries=
            ;;
    esac
    _luna_attempt=0
    _luna_delay=10
    while :; do
        _luna_attempt=$((_luna_attempt + 1))
        # A failed attempt may have left its mounts: the next installer starts afresh.
        if [ "$_luna_attempt" -gt 1 ] && ismounted "${NEWROOT:-/sysroot}"; then
            umount -R "${NEWROOT:-/sysroot}" 2> /dev/null || umount -l "${NEWROOT:-/sysroot}"
        fi
        luna_login && luna_fetch && luna_run && break
        luna_forward_log
        if [ -n "$luna_tries" ] && [ "$_luna_attempt" -ge "$luna_tries" ]; then
            luna_say "giving up after $_luna_attempt attempts (luna.tries=$luna_tries): powering off"
            luna_forward_log
            luna_poweroff
        fi
        luna_say "attempt $_luna_attempt failed; trying again in $_luna_delay s"
        sleep "$_luna_delay"
        _luna_delay=$((_luna_delay * 2))
        [ "$_luna_delay" -gt 60 ] && _luna_delay=60
    done
    luna_finish
}
