# Network plugin for every distribution: the controller falls back to this file for any
# distribution without boot/network/<distribution>.sh (a site may add one among its plugins).
# It picks the back end from what the unpacked image holds:
# - netplan when the image has usr/sbin/netplan (Ubuntu, Debian with netplan):
#   etc/netplan/90-luna.yaml, mode 0600, renderer networkd (netplan 0.103 or later for
#   "to: default" routes). Each interface leaves its part in the stage; finish joins them.
# - else NetworkManager keyfiles when it has etc/NetworkManager (RHEL and its rebuilds,
#   openSUSE, SLES): etc/NetworkManager/system-connections/luna-<device>.nmconnection, 0600.
#   NetworkManager 1.46 renamed the bond port keys master=, slave-type= and
#   autoconnect-slaves= to controller=, port-type= and autoconnect-ports=; older versions know
#   only the old names. The image's NetworkManager --version decides, else the release (RHEL 10
#   ships 1.48 or later). RHEL 8's NetworkManager (1.14 to 1.40) loads keyfiles beside ifcfg-rh,
#   and every other key here exists since 1.14 (ipv6 method=disabled came in 1.20: link-local
#   is used). openSUSE gets keyfiles, not wicked ifcfg: Tumbleweed, Leap 16 and SLES 16 dropped
#   wicked; an image that still runs it ignores them, and finish says so in the log.
# - else systemd-networkd: etc/systemd/network/10-luna-<device>.network and .netdev, 0644,
#   with systemd-networkd enabled. An /etc/network/interfaces stanza for the same device (a
#   plain Debian image) would still be brought up by ifupdown: images should leave those out.
# A device is matched by name, and by MAC too when NIC_MAC is set; a bond writes its ports'
# configuration itself. The default route is set only where NIC_DEFAULT_ROUTE=yes. NIC_OPTIONS
# is keyfile text, unused by netplan and networkd; when resolv.conf is not a link (no
# systemd-resolved), their finish writes the DNS servers into it.

#@ segment init
# The installer runs network_init, then network_interface once per interface, then
# network_finish, in one shell: the luna_net_* variables and function set here serve them.
local root=${LUNA_SYSTEMROOT:-/sysroot} version='' renamed=no
luna_net_stage=$root/tmp/luna-network
# netplan's binary may be a link to an absolute path: test the link, not its target.
if [ -e "$root/usr/sbin/netplan" ] || [ -L "$root/usr/sbin/netplan" ]; then
    luna_net_backend=netplan luna_net_dir=$root/etc/netplan
elif [ -d "$root/etc/NetworkManager" ]; then
    luna_net_backend=nm luna_net_dir=$root/etc/NetworkManager/system-connections
else
    luna_net_backend=networkd luna_net_dir=$root/etc/systemd/network
fi
mkdir -p "$luna_net_dir" || return 1
# Images grabbed from installed nodes carry that node's files, Luna's and luna2's: they would
# claim devices with another node's addresses.
rm -f "$root/etc/udev/rules.d/90-luna-ipoib.rules"
case $luna_net_backend in
    netplan)
        rm -f "$luna_net_dir/90-luna.yaml" "$luna_net_dir"/*_config.yaml "$luna_net_dir"/*_config_*.yaml
        echo "Luna: writing netplan configuration to $luna_net_dir/90-luna.yaml" ;;
    nm)
        rm -f "$luna_net_dir"/luna-*.nmconnection "$luna_net_dir"/Connection_*.nmconnection
        # The image's own NetworkManager tells its version (RHEL 9.4 already has 1.46); without
        # one that runs, the release decides: RHEL 10 is the first to ship 1.46 or later.
        if [ -e "$root/usr/sbin/NetworkManager" ]; then
            version=$(timeout 10 chroot "$root" /usr/sbin/NetworkManager --version 2>/dev/null | head -n 1)
        fi
        if [[ $version =~ ^([0-9]+)\.([0-9]+) ]]; then
            if (( BASH_REMATCH[1] * 1000 + BASH_REMATCH[2] >= 1046 )); then renamed=yes; fi
        elif [ "$LUNA_DISTRIBUTION" = redhat ] && [[ $LUNA_OSRELEASE =~ ^([0-9]+) ]] && (( BASH_REMATCH[1] >= 10 )); then
            renamed=yes
        fi
        if [ "$renamed" = yes ]; then
            luna_net_port_keys='controller port-type autoconnect-ports'
        else
            luna_net_port_keys='master slave-type autoconnect-slaves'
        fi
        echo "Luna: writing NetworkManager keyfiles to $luna_net_dir (NetworkManager ${version:-of unknown version}; bond keys $luna_net_port_keys)" ;;
    networkd)
        rm -f "$luna_net_dir"/10-luna-*.network "$luna_net_dir"/10-luna-*.netdev
        echo "Luna: writing systemd-networkd files to $luna_net_dir" ;;
esac
# Interfaces leave here what the next ones and finish need: bond ports, the devices written,
# VLAN parents, DNS servers.
rm -rf "$luna_net_stage"
mkdir -p "$luna_net_stage/ports" "$luna_net_stage/devices" "$luna_net_stage/links" || return 1
# luna_net_netplan_list WORD...: a YAML flow list of quoted words.
luna_net_netplan_list() {
    local x out=''
    for x in "$@"; do out="$out${out:+, }\"$x\""; done
    echo "[$out]"
}

#@ segment interface
local root=${LUNA_SYSTEMROOT:-/sysroot} dir=$luna_net_dir stage=$luna_net_stage
local dev=${NIC_DEVICE:-$NIC_NAME} type=$NIC_TYPE mtu=$NIC_MTU mac=$NIC_MAC
local parent=$NIC_VLAN_PARENT vid=$NIC_VLANID mode=$NIC_BOND_MODE
local prefix4=$NIC_PREFIX4 v4='' v6='' ibmode=datagram slaves='' s o
if [ "$dev" = BOOTIF ]; then dev=$LUNA_BOOTIF; fi
if [ -z "$dev" ]; then
    echo "Luna: interface $NIC_NAME has no device name; not configured"
    return 1
fi
case $mtu in
    *[!0-9]*) echo "Luna: $dev: MTU '$mtu' is not a number; ignored"; mtu= ;;
esac
case $type in
    ethernet|bond) ;;
    infiniband)
        # Datagram mode carries at most 4092 bytes; a larger MTU asks for connected mode.
        if [ -n "$mtu" ] && [ "$mtu" -gt 4092 ]; then ibmode=connected; fi ;;
    vlan)
        if [ "$parent" = BOOTIF ]; then parent=$LUNA_BOOTIF; fi
        if [ -z "$parent" ]; then
            case $dev in
                *.*) parent=${dev%.*}; vid=${vid:-${dev##*.}} ;;
                # A VLAN id on a plain interface name is a tagged VLAN on that interface.
                *) parent=$dev; dev=$dev.$vid ;;
            esac
        fi
        case $vid in
            ''|*[!0-9]*) echo "Luna: VLAN $dev has no numeric VLAN id; not configured"; return 1 ;;
        esac ;;
    *) echo "Luna: $dev has unknown interface type '$type'; not configured"; return 1 ;;
esac
# Only a physical ethernet port keeps its MAC: bonds and VLANs borrow one, and an IPoIB
# address starts with a queue pair number that can change.
if [ "$type" != ethernet ]; then mac=; fi
if [ "$type" = bond ]; then
    for s in $NIC_BOND_SLAVES; do
        if [ "$s" = BOOTIF ]; then s=$LUNA_BOOTIF; fi
        slaves="$slaves $s"
    done
    # networkd and netplan know bond modes by name only.
    case $mode in
        0) mode=balance-rr ;; 1) mode=active-backup ;; 2) mode=balance-xor ;; 3) mode=broadcast ;;
        4) mode=802.3ad ;; 5) mode=balance-tlb ;; 6) mode=balance-alb ;;
    esac
fi
if [ -z "$prefix4" ] && [ -n "$NIC_NETMASK4" ]; then
    prefix4=0
    for o in $(echo "$NIC_NETMASK4" | tr . ' '); do
        while [ "$o" -gt 0 ]; do prefix4=$((prefix4 + (o & 1))); o=$((o >> 1)); done
    done
fi
if [ "$NIC_DHCP" = yes ]; then
    # DHCPv6 where the network has IPv6; DHCPv4 unless the network is IPv6 only.
    if [ -n "$NIC_IPV6$NIC_PREFIX6" ]; then v6=dhcp; fi
    if [ -n "$NIC_IPV4$prefix4" ] || [ -z "$v6" ]; then v4=dhcp; fi
else
    if [ -n "$NIC_IPV4" ]; then
        if [ -z "$prefix4" ]; then
            echo "Luna: $dev: IPv4 address $NIC_IPV4 has no prefix or netmask; not configured"
            return 1
        fi
        v4=static
    fi
    if [ -n "$NIC_IPV6" ]; then
        if [ -z "$NIC_PREFIX6" ]; then
            echo "Luna: $dev: IPv6 address $NIC_IPV6 has no prefix; not configured"
            return 1
        fi
        v6=static
    fi
fi
# A bond writes its ports' configuration; a port's own entry must not replace it.
if [ -e "$stage/ports/$dev" ]; then
    echo "Luna: $dev is a bond port; its own settings are ignored"
    return 0
fi
for s in $slaves; do : > "$stage/ports/$s" || return 1; done

if [ "$luna_net_backend" = nm ]; then
    local file=$dir/luna-$dev.nmconnection controller porttype autoports
    local dns4='' dns6='' search='' search4='' search6='' family ip address gateway dns domains off
    read -r controller porttype autoports <<< "$luna_net_port_keys"
    for s in $NIC_DNS_SERVERS; do
        case $s in *:*) dns6="$dns6$s;" ;; *) dns4="$dns4$s;" ;; esac
    done
    for s in $NIC_DNS_SEARCH; do search="$search$s;"; done
    # NetworkManager refuses DNS settings on an address family that the profile does not configure.
    if [ -n "$v4" ]; then search4=$search; else search6=$search; fi
    if [ -z "$v4" ] && [ -n "$dns4" ]; then echo "Luna: $dev has no IPv4; IPv4 DNS servers left out"; fi
    if [ -z "$v6" ] && [ -n "$dns6" ]; then echo "Luna: $dev has no IPv6; IPv6 DNS servers left out"; fi
    {
        echo "[connection]"
        echo "id=luna-$dev"
        echo "uuid=$(cat /proc/sys/kernel/random/uuid)"
        echo "type=$type"
        echo "interface-name=$dev"
        echo "autoconnect=true"
        # Wins over a profile the image may hold for the same device, such as a DHCP one.
        echo "autoconnect-priority=10"
        if [ -n "$NIC_ZONE" ]; then echo "zone=$NIC_ZONE"; fi
        if [ "$type" = bond ]; then echo "$autoports=1"; fi
        echo
        case $type in
            ethernet)
                echo "[ethernet]"
                if [ -n "$mac" ]; then echo "mac-address=$mac"; fi
                if [ -n "$mtu" ]; then echo "mtu=$mtu"; fi ;;
            infiniband)
                echo "[infiniband]"
                echo "transport-mode=$ibmode"
                if [ -n "$mtu" ]; then echo "mtu=$mtu"; fi ;;
            bond)
                echo "[bond]"
                if [ -n "$mode" ]; then echo "mode=$mode"; fi
                echo "miimon=100"
                if [ -n "$mtu" ]; then printf '\n[ethernet]\nmtu=%s\n' "$mtu"; fi ;;
            vlan)
                echo "[vlan]"
                echo "id=$vid"
                echo "parent=$parent"
                if [ -n "$mtu" ]; then printf '\n[ethernet]\nmtu=%s\n' "$mtu"; fi ;;
        esac
        for family in 4 6; do
            if [ "$family" = 4 ]; then
                ip=$v4 address=$NIC_IPV4/$prefix4 gateway=$NIC_GATEWAY4 dns=$dns4 domains=$search4 off=disabled
            else
                # ipv6 method=disabled came in NetworkManager 1.20; RHEL 8 starts at 1.14.
                ip=$v6 address=$NIC_IPV6/$NIC_PREFIX6 gateway=$NIC_GATEWAY6 dns=$dns6 domains=$search6 off=link-local
            fi
            echo
            echo "[ipv$family]"
            case $ip in
                dhcp)
                    echo "method=auto"
                    # A client id from the MAC: a DUID comes from the machine id, which the nodes
                    # of one image may share.
                    if [ "$family" = 4 ]; then echo "dhcp-client-id=mac"; fi
                    if [ "$NIC_DEFAULT_ROUTE" != yes ]; then echo "never-default=true"; fi ;;
                static)
                    echo "method=manual"
                    echo "address1=$address"
                    if [ "$NIC_DEFAULT_ROUTE" = yes ] && [ -n "$gateway" ]; then echo "gateway=$gateway"; fi ;;
                *) echo "method=$off" ;;
            esac
            if [ -n "$ip" ] && [ -n "$dns" ]; then echo "dns=$dns"; fi
            if [ -n "$ip" ] && [ -n "$domains" ]; then echo "dns-search=$domains"; fi
        done
        # NIC_OPTIONS is keyfile text, e.g. an [ethtool] section, taken as it is (as luna2 did).
        if [ -n "$NIC_OPTIONS" ]; then printf '\n%s\n' "$NIC_OPTIONS"; fi
    } > "$file" || return 1
    chmod 600 "$file"
    for s in $slaves; do
        {
            echo "[connection]"
            echo "id=luna-$s"
            echo "uuid=$(cat /proc/sys/kernel/random/uuid)"
            echo "type=ethernet"
            echo "interface-name=$s"
            echo "$controller=$dev"
            echo "$porttype=bond"
            echo "autoconnect=true"
            echo "autoconnect-priority=10"
            echo
            echo "[ethernet]"
            if [ -n "$mtu" ]; then echo "mtu=$mtu"; fi
        } > "$dir/luna-$s.nmconnection" || return 1
        chmod 600 "$dir/luna-$s.nmconnection"
    done
    return 0
fi

# netplan and systemd-networkd from here on.
if [ -n "$NIC_OPTIONS" ]; then echo "Luna: $dev: interface options are NetworkManager keyfile text; not used with $luna_net_backend"; fi
if [ "$luna_net_backend" = netplan ]; then
    local kind=ethernets
    case $type in bond) kind=bonds ;; vlan) kind=vlans ;; esac
    mkdir -p "$stage/$kind" "$stage/ethernets" || return 1
    {
        echo "    \"$dev\":"
        if [ -n "$mac" ]; then
            echo "      match:"
            echo "        name: \"$dev\""
            echo "        macaddress: \"$mac\""
        fi
        case $type in
            bond)
                if [ -n "$slaves" ]; then echo "      interfaces: $(luna_net_netplan_list $slaves)"; fi
                echo "      parameters:"
                if [ -n "$mode" ]; then echo "        mode: \"$mode\""; fi
                echo "        mii-monitor-interval: 100" ;;
            vlan)
                echo "      id: $vid"
                echo "      link: \"$parent\"" ;;
        esac
        # Explicit values override what earlier files in the image (cloud-init, installer) set.
        if [ "$v4" = dhcp ]; then echo "      dhcp4: true"; else echo "      dhcp4: false"; fi
        if [ "$v6" = dhcp ]; then echo "      dhcp6: true"; else echo "      dhcp6: false"; fi
        if [ "$v4" = dhcp ] || [ "$v6" = dhcp ]; then
            # A client id from the MAC: a DUID comes from the machine id, which the nodes
            # of one image may share.
            echo "      dhcp-identifier: mac"
        fi
        # Off the default route interface DHCP gives no routes; networkd wants both families alike.
        if [ "$NIC_DEFAULT_ROUTE" != yes ]; then
            if [ "$v4" = dhcp ]; then printf '      dhcp4-overrides:\n        use-routes: false\n'; fi
            if [ "$v6" = dhcp ]; then printf '      dhcp6-overrides:\n        use-routes: false\n'; fi
        fi
        if [ "$v4" = static ] || [ "$v6" = static ]; then
            echo "      addresses:"
            if [ "$v4" = static ]; then echo "        - \"$NIC_IPV4/$prefix4\""; fi
            if [ "$v6" = static ]; then echo "        - \"$NIC_IPV6/$NIC_PREFIX6\""; fi
        fi
        if [ "$NIC_DEFAULT_ROUTE" = yes ]; then
            o=
            if [ "$v4" = static ] && [ -n "$NIC_GATEWAY4" ]; then o="$o $NIC_GATEWAY4"; fi
            if [ "$v6" = static ] && [ -n "$NIC_GATEWAY6" ]; then o="$o $NIC_GATEWAY6"; fi
            if [ -n "$o" ]; then
                echo "      routes:"
                for s in $o; do printf '        - to: default\n          via: "%s"\n' "$s"; done
            fi
        fi
        if [ -n "$NIC_DNS_SERVERS$NIC_DNS_SEARCH" ]; then
            echo "      nameservers:"
            if [ -n "$NIC_DNS_SERVERS" ]; then echo "        addresses: $(luna_net_netplan_list $NIC_DNS_SERVERS)"; fi
            if [ -n "$NIC_DNS_SEARCH" ]; then echo "        search: $(luna_net_netplan_list $NIC_DNS_SEARCH)"; fi
        fi
        if [ -n "$mtu" ]; then echo "      mtu: $mtu"; fi
    } > "$stage/$kind/$dev" || return 1
    for s in $slaves; do
        {
            echo "    \"$s\":"
            echo "      dhcp4: false"
            echo "      dhcp6: false"
            if [ -n "$mtu" ]; then echo "      mtu: $mtu"; fi
        } > "$stage/ethernets/$s" || return 1
    done
else
    local file=$dir/10-luna-$dev.network dhcp=no
    if [ "$v4" = dhcp ] && [ "$v6" = dhcp ]; then dhcp=yes
    elif [ "$v4" = dhcp ]; then dhcp=ipv4
    elif [ "$v6" = dhcp ]; then dhcp=ipv6
    fi
    case $type in
        bond)
            {
                printf '[NetDev]\nName=%s\nKind=bond\n\n[Bond]\n' "$dev"
                if [ -n "$mode" ]; then echo "Mode=$mode"; fi
                echo "MIIMonitorSec=100ms"
            } > "$dir/10-luna-$dev.netdev" || return 1 ;;
        vlan)
            printf '[NetDev]\nName=%s\nKind=vlan\n\n[VLAN]\nId=%s\n' "$dev" "$vid" > "$dir/10-luna-$dev.netdev" || return 1 ;;
    esac
    {
        echo "[Match]"
        echo "Name=$dev"
        if [ -n "$mac" ]; then echo "PermanentMACAddress=$mac"; fi
        if [ -n "$mtu" ]; then printf '\n[Link]\nMTUBytes=%s\n' "$mtu"; fi
        echo
        echo "[Network]"
        echo "DHCP=$dhcp"
        if [ "$v4" = static ]; then echo "Address=$NIC_IPV4/$prefix4"; fi
        if [ "$v6" = static ]; then echo "Address=$NIC_IPV6/$NIC_PREFIX6"; fi
        if [ "$NIC_DEFAULT_ROUTE" = yes ]; then
            if [ "$v4" = static ] && [ -n "$NIC_GATEWAY4" ]; then echo "Gateway=$NIC_GATEWAY4"; fi
            if [ "$v6" = static ] && [ -n "$NIC_GATEWAY6" ]; then echo "Gateway=$NIC_GATEWAY6"; fi
        fi
        for s in $NIC_DNS_SERVERS; do echo "DNS=$s"; done
        if [ -n "$NIC_DNS_SEARCH" ]; then echo "Domains=$NIC_DNS_SEARCH"; fi
        if [ "$v4" = dhcp ]; then
            echo
            echo "[DHCPv4]"
            # A client id from the MAC: a DUID comes from the machine id, which the nodes
            # of one image may share.
            echo "ClientIdentifier=mac"
            if [ "$NIC_DEFAULT_ROUTE" != yes ]; then echo "UseGateway=no"; fi
        fi
    } > "$file" || return 1
    for s in $slaves; do
        {
            echo "[Match]"
            echo "Name=$s"
            if [ -n "$mtu" ]; then printf '\n[Link]\nMTUBytes=%s\n' "$mtu"; fi
            printf '\n[Network]\nBond=%s\nLinkLocalAddressing=no\n' "$dev"
        } > "$dir/10-luna-$s.network" || return 1
    done
fi
for s in $dev $slaves; do : > "$stage/devices/$s" || return 1; done
if [ "$type" = vlan ]; then echo "$parent $mtu" > "$stage/links/$dev"; fi
if [ "$ibmode" = connected ]; then
    # Neither networkd nor older netplan sets the IPoIB mode; udev does, before networkd sets
    # the MTU. The second rule covers a device that udev renames.
    mkdir -p "$root/etc/udev/rules.d"
    printf 'ACTION=="add", SUBSYSTEM=="net", %s=="%s", ATTR{mode}="connected"\n' KERNEL "$dev" NAME "$dev" >> "$root/etc/udev/rules.d/90-luna-ipoib.rules"
fi
for s in $NIC_DNS_SERVERS; do echo "$s"; done >> "$stage/nameservers"
for s in $NIC_DNS_SEARCH; do echo "$s"; done >> "$stage/search"

#@ segment finish
local root=${LUNA_SYSTEMROOT:-/sysroot} dir=$luna_net_dir stage=$luna_net_stage f parent mtu vlan pfile kind
if [ "$luna_net_backend" = nm ]; then
    # NetworkManager skips keyfiles that anyone but root can read.
    chmod 600 "$dir"/luna-*.nmconnection 2>/dev/null
    (cd "$dir" && echo "Luna: NetworkManager profiles written:" luna-*.nmconnection)
    if [ ! -e "$root/usr/sbin/NetworkManager" ]; then
        echo "Luna: the image has no NetworkManager (wicked?); these profiles will not be used"
    fi
    rm -rf "$stage"
    return 0
fi

# A VLAN needs its parent defined (netplan refuses it otherwise, networkd creates it from the
# parent's .network): a parent that no interface defines gets a bare definition, with the
# largest MTU of its VLANs (a VLAN cannot exceed its parent).
for f in "$stage"/links/*; do
    [ -e "$f" ] || continue
    read -r parent mtu < "$f"
    if [ ! -e "$stage/devices/$parent" ]; then echo "$parent ${mtu:-0}"; fi
done | awk '!($1 in top) || $2 + 0 > top[$1] { top[$1] = $2 + 0 } END { for (p in top) print p, top[p] }' > "$stage/bare" || return 1
if [ "$luna_net_backend" = netplan ]; then
    mkdir -p "$stage/ethernets" || return 1
    while read -r parent mtu; do
        {
            printf '    "%s":\n      dhcp4: false\n      dhcp6: false\n' "$parent"
            if [ "$mtu" -gt 0 ]; then echo "      mtu: $mtu"; fi
        } > "$stage/ethernets/$parent" || return 1
    done < "$stage/bare"
    {
        echo "# Written by the Luna installer at every install; changes here are lost."
        echo "network:"
        echo "  version: 2"
        echo "  renderer: networkd"
        for kind in ethernets bonds vlans; do
            if ls "$stage/$kind"/* >/dev/null 2>&1; then
                echo "  $kind:"
                cat "$stage/$kind"/*
            fi
        done
    } > "$dir/90-luna.yaml" || return 1
    # netplan warns about, and may refuse, files that others can read.
    chmod 600 "$dir/90-luna.yaml"
else
    while read -r parent mtu; do
        {
            printf '[Match]\nName=%s\n' "$parent"
            if [ "$mtu" -gt 0 ]; then printf '\n[Link]\nMTUBytes=%s\n' "$mtu"; fi
            printf '\n[Network]\nLinkLocalAddressing=no\n'
        } > "$dir/10-luna-$parent.network" || return 1
    done < "$stage/bare"
    for f in "$stage"/links/*; do
        [ -e "$f" ] || continue
        vlan=${f##*/}
        read -r parent mtu < "$f"
        pfile=$dir/10-luna-$parent.network
        awk -v vlan="$vlan" '{ print } $0 == "[Network]" { print "VLAN=" vlan }' "$pfile" > "$pfile.new" && mv "$pfile.new" "$pfile" || return 1
    done
    # networkd runs as its own user and must be able to read these.
    chmod 644 "$dir"/10-luna-* 2>/dev/null
    if [ -e "$root/lib/systemd/system/systemd-networkd.service" ] || [ -e "$root/usr/lib/systemd/system/systemd-networkd.service" ]; then
        chroot "$root" systemctl enable systemd-networkd.service || echo "Luna: could not enable systemd-networkd"
    else
        echo "Luna: the image has no systemd-networkd; the files in $dir will not be used"
    fi
fi
# Without systemd-resolved (resolv.conf is then no link to its stub) nothing passes these
# servers to the resolver: write them.
if [ -s "$stage/nameservers" ] && [ ! -L "$root/etc/resolv.conf" ]; then
    {
        echo "# Written by the Luna installer"
        if [ -s "$stage/search" ]; then echo "search" $(awk '!seen[$0]++' "$stage/search"); fi
        awk '!seen[$0]++ { print "nameserver " $0 }' "$stage/nameservers"
    } > "$root/etc/resolv.conf"
fi
rm -rf "$stage"
