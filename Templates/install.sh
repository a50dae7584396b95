#!/bin/bash
{# The installer a node runs in its initramfs (Specs/netboot.md §2). Plugin segments are
   injected at the CODE SEGMENT markers before this is rendered; every value from the
   configuration is written as one quoted shell word. #}
# Luna installer for node {{ NODE_NAME }}.
set -o pipefail

export LUNA_NODE={{ NODE_NAME|shell }}
export LUNA_HOSTNAME={{ NODE_HOSTNAME|shell }}
export LUNA_GROUP={{ LUNA_GROUP|shell }}
export LUNA_DISTRIBUTION={{ LUNA_DISTRIBUTION|shell }}
export LUNA_OSRELEASE={{ LUNA_OSRELEASE|shell }}
export LUNA_IMAGEFILE={{ LUNA_IMAGEFILE|shell }}
export LUNA_SYSTEMROOT={{ LUNA_SYSTEMROOT|shell }}
export LUNA_URL={{ LUNA_URL|shell }}
export LUNA_FILES_URL={{ LUNA_FILES_URL|shell }}
export LUNA_TOKEN={{ LUNA_TOKEN|shell }}
LUNA_CURL="curl -sS --fail --connect-timeout 10"
{% if LUNA_VERIFYCERT == "no" %}
LUNA_CURL="$LUNA_CURL --insecure"
{% endif %}
export LUNA_CURL

update_status() {
    $LUNA_CURL -X POST -H "x-access-tokens: $LUNA_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"monitor\":{\"status\":{\"$LUNA_NODE\":{\"state\":\"$1\"}}}}" \
        "$LUNA_URL/monitor/node/$LUNA_NODE" > /dev/null || echo "Luna: could not report state $1" >&2
}
export -f update_status

fail() {
    echo "Luna: $*" >&2
    update_status install.error
    exit 1
}

# Runs a script given base64-encoded, so any text survives, naming it when it fails.
run_script() {
    local name=$1 status
    echo "$2" | base64 -d | bash -s
    status=$?
    [ "$status" -eq 0 ] || fail "the $name failed (exit $status)"
}

lunainit() {
    mkdir -p /lunatmp "$LUNA_SYSTEMROOT" || fail "cannot create /lunatmp or $LUNA_SYSTEMROOT"
}

# A node installed over DHCP tells the controller the address it was given.
report_dynamic_address() {
{% if PROVISION_DHCP %}
    local address interface={{ PROVISION_INTERFACE|shell }}
    address=$(ip -4 -o addr show dev "$LUNA_BOOTIF" 2> /dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
    [ -n "$address" ] || return 0
    $LUNA_CURL -X POST -H "x-access-tokens: $LUNA_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"config\":{\"node\":{\"$LUNA_NODE\":{\"interfaces\":[{\"interface\":\"$interface\",\"force\":true,\"ipaddress\":\"$address\"}]}}}}" \
        "$LUNA_URL/config/node/$LUNA_NODE" > /dev/null || echo "Luna: could not report address $address" >&2
{% else %}
    :
{% endif %}
}

prescript() {
    update_status install.prescript
    run_script prescript {{ LUNA_PRESCRIPT|b64encode|shell }}
{% for script in SCRIPTS %}
    run_script "prescript of script "{{ script.name|shell }} {{ script.prescript|b64encode|shell }}
{% endfor %}
## SCRIPT PRESCRIPT CODE SEGMENT
}

bmcsetup() {
{% if LUNA_SETUPBMC %}
    update_status install.setupbmc
    BMC_USERID={{ BMC.userid|shell }} BMC_USERNAME={{ BMC.username|shell }} BMC_PASSWORD={{ BMC.password|shell }} \
        BMC_NETCHANNEL={{ BMC.netchannel|shell }} BMC_MGMTCHANNEL={{ BMC.mgmtchannel|shell }} \
        BMC_IPV4={{ BMC.ipv4|shell }} BMC_PREFIX4={{ BMC.prefix4|shell }} BMC_NETMASK4={{ BMC.netmask4|shell }} \
        BMC_GATEWAY4={{ BMC.gateway4|shell }} BMC_VLANID={{ BMC.vlanid|shell }} \
        BMC_UNMANAGED_USERS={{ BMC.unmanaged_users|shell }} bmc_config \
        || echo "Luna: the BMC could not be set up; installing anyway" >&2
{% else %}
    :
{% endif %}
}

bmc_config() {
## BMC CODE SEGMENT
}

partscript() {
    update_status install.partscript
    run_script partscript {{ LUNA_PARTSCRIPT|b64encode|shell }}
{% for script in SCRIPTS %}
    run_script "partscript of script "{{ script.name|shell }} {{ script.partscript|b64encode|shell }}
{% endfor %}
## SCRIPT PARTSCRIPT CODE SEGMENT
    mountpoint -q "$LUNA_SYSTEMROOT" || fail "the partscript mounted nothing on $LUNA_SYSTEMROOT"
}

## FETCH CODE SEGMENT

download_image() {
    update_status install.download
    local method
    for method in {{ PROVISION_METHODS }}; do
        if "download_$method"; then
            return 0
        fi
        echo "Luna: downloading $LUNA_IMAGEFILE by $method failed" >&2
    done
    fail "$LUNA_IMAGEFILE could not be downloaded by any provision method ({{ PROVISION_METHODS }})"
}

unpack_image() {
    update_status install.unpack
    local archive="$LUNA_SYSTEMROOT/$LUNA_IMAGEFILE" keep=(--xattrs --acls)
    [ -f "$archive" ] || fail "$archive is missing after the download"
    # tmpfs keeps no ACLs: asking tar to restore them there fails every file.
    if [ "$(stat -f -c %T "$LUNA_SYSTEMROOT")" = tmpfs ]; then keep=(); fi
    tar --numeric-owner "${keep[@]}" -xf "$archive" -C "$LUNA_SYSTEMROOT" || fail "$LUNA_IMAGEFILE could not be unpacked"
    rm -f "$archive"
}

network_init() {
## NETWORK INIT CODE SEGMENT
}

network_interface() {
## NETWORK INTERFACE CODE SEGMENT
}

network_finish() {
## NETWORK FINISH CODE SEGMENT
}

setnet() {
    update_status install.setnet
    echo "$LUNA_HOSTNAME" > "$LUNA_SYSTEMROOT/etc/hostname"
    network_init || fail "the network plugin could not prepare the network files"
{% for nic in INTERFACES %}
    NIC_NAME={{ nic.name|shell }} NIC_DEVICE={% if nic.provisioning %}"$LUNA_BOOTIF"{% else %}{{ nic.name|shell }}{% endif %} \
        NIC_MAC={{ nic.mac|shell }} NIC_TYPE={{ nic.type|shell }} NIC_IPV4={{ nic.ipv4|shell }} \
        NIC_PREFIX4={{ nic.prefix4|shell }} NIC_NETMASK4={{ nic.netmask4|shell }} NIC_GATEWAY4={{ nic.gateway4|shell }} \
        NIC_IPV6={{ nic.ipv6|shell }} NIC_PREFIX6={{ nic.prefix6|shell }} NIC_GATEWAY6={{ nic.gateway6|shell }} \
        NIC_DHCP={{ nic.dhcp|shell }} NIC_MTU={{ nic.mtu|shell }} NIC_VLANID={{ nic.vlanid|shell }} \
        NIC_VLAN_PARENT={{ nic.vlan_parent|shell }} NIC_BOND_MODE={{ nic.bond_mode|shell }} \
        NIC_BOND_SLAVES={{ nic.bond_slaves|shell }} NIC_OPTIONS={{ nic.options|shell }} NIC_NETWORK={{ nic.network|shell }} \
        NIC_ZONE={{ nic.zone|shell }} NIC_DNS_SERVERS={{ nic.dns_servers|shell }} NIC_DNS_SEARCH={{ nic.dns_search|shell }} \
        NIC_DEFAULT_ROUTE={{ nic.default_route|shell }} network_interface \
        || fail "the network plugin could not configure interface "{{ nic.name|shell }}
{% endfor %}
    network_finish || fail "the network plugin could not finish the network files"
}

# The node's secrets, fetched with its own token and written mode 0600 under the
# installed root; a path that is not absolute or steps out with .. is refused.
node_secrets() {
    update_status install.secrets
    local answer=/lunatmp/secrets.json path content
    $LUNA_CURL -H "x-access-tokens: $LUNA_TOKEN" "$LUNA_URL/config/secrets/node/$LUNA_NODE" > "$answer" 2> /dev/null || return 0
    while IFS=$'\t' read -r path content; do
        case "$path" in
            /*) ;;
            *) echo "Luna: secret path $path is not absolute; skipped" >&2; continue ;;
        esac
        case "/$path/" in
            */../*) echo "Luna: secret path $path steps out with ..; skipped" >&2; continue ;;
        esac
        mkdir -p "$LUNA_SYSTEMROOT$(dirname "$path")"
        (umask 077 && echo "$content" | base64 -d > "$LUNA_SYSTEMROOT$path") || fail "secret $path could not be written"
        chmod 600 "$LUNA_SYSTEMROOT$path"
    done < <(jq -r --arg node "$LUNA_NODE" '.config.secrets.node[$node][]? | [.path, (.content | @base64)] | @tsv' "$answer")
    rm -f "$answer"
}

postscript() {
    update_status install.postscript
    run_script postscript {{ LUNA_POSTSCRIPT|b64encode|shell }}
{% for script in SCRIPTS %}
    run_script "postscript of script "{{ script.name|shell }} {{ script.postscript|b64encode|shell }}
{% endfor %}
## SCRIPT POSTSCRIPT CODE SEGMENT
}

node_roles() {
{% if ROLES %}
    update_status install.roles
    mkdir -p "$LUNA_SYSTEMROOT/usr/local/roles" "$LUNA_SYSTEMROOT/etc/systemd/system"
{% for role in ROLES %}
    echo {{ role.script|b64encode|shell }} | base64 -d > "$LUNA_SYSTEMROOT/usr/local/roles/"{{ role.name|shell }}
    chmod 750 "$LUNA_SYSTEMROOT/usr/local/roles/"{{ role.name|shell }}
    echo {{ role.unit|b64encode|shell }} | base64 -d > "$LUNA_SYSTEMROOT/etc/systemd/system/luna-"{{ role.name|shell }}.service
    chroot "$LUNA_SYSTEMROOT" systemctl enable luna-{{ role.name|shell }}.service > /dev/null 2>&1 \
        || echo "Luna: role "{{ role.name|shell }}" installed but not enabled (no systemctl in the image)" >&2
{% endfor %}
{% else %}
    :
{% endif %}
}

# Vendor and asset tag for the inventory, where the machine tells them.
update_system_info() {
    command -v dmidecode > /dev/null || return 0
    local vendor serial
    vendor=$(dmidecode -s system-manufacturer 2> /dev/null | tr -d '"\\' | head -n 1)
    serial=$(dmidecode -s system-serial-number 2> /dev/null | tr -d '"\\' | head -n 1)
    $LUNA_CURL -X POST -H "x-access-tokens: $LUNA_TOKEN" -H 'Content-Type: application/json' \
        -d "{\"config\":{\"node\":{\"$LUNA_NODE\":{\"vendor\":\"$vendor\",\"assettag\":\"$serial\"}}}}" \
        "$LUNA_URL/config/node/$LUNA_NODE" > /dev/null || echo "Luna: could not report vendor and asset tag" >&2
}

cleanup() {
    rm -rf "${LUNA_SYSTEMROOT:?}/tmp/"* /lunatmp/*
}

# Named scripts of the node or its group are carried inside this installer.
node_scripts() {
{% if SCRIPTS %}
    update_status install.scripts
{% else %}
    :
{% endif %}
}

lunainit
report_dynamic_address
node_scripts
prescript
bmcsetup
partscript
download_image
unpack_image
setnet
node_secrets
postscript
node_roles
update_system_info
cleanup
update_status install.success
