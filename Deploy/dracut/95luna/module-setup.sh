#!/bin/bash
# dracut module "luna": with root=luna on the kernel command line, the initrd brings up the
# NIC named by luna.mac, authenticates at the Luna controller, fetches the node's installer
# and runs it before the pivot (Specs/netboot.md §1). Build the image's initrd with
#   dracut --add "network-legacy luna" --omit "systemd network-manager"
# (network-legacy named too: a module checked before luna, such as ifcfg, may otherwise
# have made network pick another handler already).
# The node credentials come from /etc/luna/node.ini of the build host, or from the file
# named by the environment variable LUNA_NODE_INI; /etc/luna/node.secret (or
# LUNA_NODE_SECRET) is baked in too when it exists.

luna_node_ini() {
    echo "${LUNA_NODE_INI:-$dracutsysrootdir/etc/luna/node.ini}"
}

luna_node_secret() {
    echo "${LUNA_NODE_SECRET:-$dracutsysrootdir/etc/luna/node.secret}"
}

# called by dracut
check() {
    require_binaries bash curl tar gzip zstd base64 jq sed grep awk tee tr chroot sync parted \
        mkfs.ext4 lsblk blkid findmnt mountpoint logger poweroff dhclient || return 1
    require_any_binary mkfs.fat mkfs.vfat || return 1
    if [[ ! -r $(luna_node_ini) ]]; then
        derror "luna: $(luna_node_ini) does not exist: it holds the USERNAME= and PASSWORD= a node logs in with (LUNA_NODE_INI names another file)"
        return 1
    fi
    # The hooks need dracut's own init: with systemd in the initrd (Debian 12, dracut 059)
    # the node tried to switch root before they had installed anything.
    if dracut_module_included systemd; then
        derror "luna: this initrd includes systemd, and the luna hooks need dracut's own init: build it with --omit systemd"
        return 1
    fi
    # Only when asked for (dracut --add luna): a host's own initrd has no use for it.
    return 255
}

# called by dracut
depends() {
    # network-legacy before network, so that network picks it as its handler when luna is
    # the first to need network: the hook runs dhclient with network-legacy's
    # dhclient-script. url-lib brings curl's CA bundle.
    echo bash network-legacy network url-lib
    return 0
}

# called by dracut
installkernel() {
    # What partscripts mount and the BMC plugin loads; a TPM driver where it is a module.
    # Disk controllers come with dracut's kernel-modules, as in any initrd.
    hostonly='' instmods ext4 vfat nls_cp437 nls_iso8859_1 xfs md_mod raid1 dm_mod \
        ipmi_msghandler ipmi_devintf ipmi_si tpm_tis tpm_crb
}

# called by dracut
install() {
    local _ini _secret
    inst_hook cmdline 99 "$moddir/luna-cmdline.sh"
    inst_hook initqueue/finished 99 "$moddir/luna-start.sh"
    inst_hook initqueue/timeout 99 "$moddir/luna-timeout.sh"
    inst_simple "$moddir/luna-lib.sh" /lib/luna-lib.sh

    # What the installer (bash, Specs/netboot.md §2) and its plugins run.
    inst_multiple bash curl tar gzip zstd base64 jq sed grep awk mount umount mountpoint \
        findmnt mkdir chroot cat sync parted mkfs.ext4 lsblk blkid logger poweroff tee tr cut \
        head tail sort uniq wc od date sleep timeout cp mv rm ln chmod chown touch install \
        truncate ls readlink dirname basename mktemp find xargs stat dd sha256sum md5sum \
        expr seq nproc uname hostname ip setsid
    inst_multiple -o mkfs.fat mkfs.vfat mkfs.xfs mkswap sgdisk sfdisk wipefs partprobe aria2c \
        mdadm dmsetup lvm ipmitool dmidecode efibootmgr bzip2 lbzip2 xz pigz setfacl getfacl \
        setfiles udevadm reboot e2fsck resize2fs ping

    if find_binary tpm2_pcrread > /dev/null; then
        inst_multiple tpm2_pcrread
        # tpm2-tools opens its TCTI with dlopen, so dracut cannot see that it needs it.
        inst_libdir_file "libtss2-tcti-device.so*"
    fi

    _ini=$(luna_node_ini)
    inst_simple "$_ini" /etc/luna/node.ini
    chmod 0600 "$initdir/etc/luna/node.ini"
    _secret=$(luna_node_secret)
    if [[ -r $_secret ]]; then
        inst_simple "$_secret" /etc/luna/node.secret
        chmod 0600 "$initdir/etc/luna/node.secret"
    fi

    dracut_need_initqueue
}
