# BMC plugin "default": configures the node's BMC in band with ipmitool. It sets a static
# address (BMC_IPV4, BMC_NETMASK4 or BMC_PREFIX4, BMC_GATEWAY4) and the VLAN (BMC_VLANID,
# off when empty) on channel BMC_NETCHANNEL, then user BMC_USERID: name, password, and
# administrator access with IPMI messaging on BMC_NETCHANNEL and BMC_MGMTCHANNEL, enabled.
# BMC_UNMANAGED_USERS=disable or delete disables every other named user (IPMI cannot delete
# one). A node without a BMC device is skipped. The password never reaches the log.

#@ segment config
local ch=${BMC_NETCHANNEL:-1} mch=${BMC_MGMTCHANNEL:-1} id=${BMC_USERID:-2}
local mask=$BMC_NETMASK4 chans=$ch failed=0 size=16 trace='' bits n m c u
if ! command -v ipmitool >/dev/null 2>&1; then
    echo "Luna: ipmitool is not in the installer; BMC not configured"
    return 1
fi
for m in ipmi_msghandler ipmi_devintf ipmi_si; do modprobe -q "$m" 2>/dev/null; done
# ipmi_si probes the hardware in the background: give the device time to appear.
n=0
while ! ls /dev/ipmi* >/dev/null 2>&1 && [ "$n" -lt 15 ]; do sleep 1; n=$((n + 1)); done
if ! ls /dev/ipmi* >/dev/null 2>&1; then
    echo "Luna: no BMC device (/dev/ipmi*) on this node; BMC not configured"
    return 0
fi

# Value of one "Key : value" line of 'ipmitool lan print'.
luna_bmc_get() {
    ipmitool lan print "$ch" 2>/dev/null | awk -F ' *: ' -v key="$1" '$1 == key { print $2; exit }'
}
# BMCs apply LAN settings slowly and sometimes not at the first request: set, read back, retry.
luna_bmc_lan() {
    local key=$1 want=$2 i
    shift 2
    for i in 1 2 3 4 5; do
        if [ "$(luna_bmc_get "$key")" = "$want" ]; then return 0; fi
        ipmitool lan set "$ch" "$@" >/dev/null 2>&1
        sleep 2
    done
    if [ "$(luna_bmc_get "$key")" = "$want" ]; then return 0; fi
    echo "Luna: BMC $key stays '$(luna_bmc_get "$key")', not '$want'"
    return 1
}
# Runs an ipmitool command a few times until it succeeds; only the description is logged,
# so a password among the arguments stays out of the log.
luna_bmc_try() {
    local what=$1 i
    shift
    echo "Luna: BMC: $what"
    for i in 1 2 3 4 5; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 2
    done
    echo "Luna: BMC: failed: $what"
    return 1
}

if [ -z "$mask" ] && [ -n "$BMC_PREFIX4" ]; then
    bits=$(((0xffffffff << (32 - BMC_PREFIX4)) & 0xffffffff))
    mask=$((bits >> 24)).$((bits >> 16 & 255)).$((bits >> 8 & 255)).$((bits & 255))
fi
if [ -n "$BMC_IPV4" ] && [ -n "$mask" ]; then
    echo "Luna: BMC: address $BMC_IPV4/$mask on channel $ch"
    luna_bmc_lan "IP Address Source" "Static Address" ipsrc static || failed=1
    luna_bmc_lan "IP Address" "$BMC_IPV4" ipaddr "$BMC_IPV4" || failed=1
    luna_bmc_lan "Subnet Mask" "$mask" netmask "$mask" || failed=1
    if [ -n "$BMC_GATEWAY4" ]; then
        luna_bmc_lan "Default Gateway IP" "$BMC_GATEWAY4" defgw ipaddr "$BMC_GATEWAY4" || failed=1
    fi
    if [ -n "$BMC_VLANID" ]; then
        luna_bmc_lan "802.1q VLAN ID" "$BMC_VLANID" vlan id "$BMC_VLANID" || failed=1
    else
        luna_bmc_lan "802.1q VLAN ID" "Disabled" vlan id off || failed=1
    fi
else
    echo "Luna: BMC: no address or netmask given; LAN settings left as they are"
fi

if [ -n "$BMC_USERNAME" ]; then
    # An xtrace of the installer would print the password: suspend it here.
    case $- in *x*) trace=1; set +x ;; esac
    luna_bmc_try "user $id name $BMC_USERNAME" ipmitool user set name "$id" "$BMC_USERNAME" || failed=1
    if [ -n "$BMC_PASSWORD" ]; then
        # IPMI 2.0 stores up to 20 bytes when asked to; the default is 16.
        if [ "$(expr length "$BMC_PASSWORD")" -gt 16 ]; then size=20; fi
        luna_bmc_try "user $id password (hidden)" ipmitool user set password "$id" "$BMC_PASSWORD" "$size" || failed=1
    fi
    if [ -n "$trace" ]; then set -x; fi
    if [ "$mch" != "$ch" ]; then chans="$ch $mch"; fi
    for c in $chans; do
        luna_bmc_try "user $id administrator access on channel $c" \
            ipmitool channel setaccess "$c" "$id" callin=on ipmi=on link=on privilege=4 || failed=1
    done
    luna_bmc_try "enable user $id" ipmitool user enable "$id" || failed=1
fi

case $BMC_UNMANAGED_USERS in
    disable|delete)
        for u in $(ipmitool user list "$mch" 2>/dev/null | awk -v me="$id" 'NR > 1 && $1 + 0 > 0 && $1 != me {
                name = substr($0, 5, 17); gsub(/ /, "", name); if (name != "") print $1 }'); do
            luna_bmc_try "disable unmanaged user $u" ipmitool user disable "$u" || failed=1
        done ;;
esac
return "$failed"
