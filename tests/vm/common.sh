# Shared by the tests/vm scripts (POSIX sh, sourced; they set vm_prog first).
# These scripts run inside the Debian 13 root (scripts/dev run ...): the
# kernel, its headers and sources, qemu and busybox all come from there.

# Exit status of a runner failure (not the command's): like git bisect's
# "cannot test", distinct from any status a test command uses on purpose.
VM_ERR=125

vm_die() {
    echo "$vm_prog: error: $*" >&2
    exit "$VM_ERR"
}

vm_say() {
    echo "$vm_prog: $*" >&2
}

# The kernel the VM boots: the newest one in /boot that also has its modules
# and headers installed (VKV4L2_VM_KERNEL picks another one by version).
vm_kernel() {
    if [ -n "${VKV4L2_VM_KERNEL:-}" ]; then
        echo "$VKV4L2_VM_KERNEL"
        return 0
    fi
    for image in $(ls /boot/vmlinuz-6.12.*-amd64 2>/dev/null | sort -rV); do
        version=${image#/boot/vmlinuz-}
        if [ -d "/lib/modules/$version" ] && [ -d "/usr/src/linux-headers-$version" ]; then
            echo "$version"
            return 0
        fi
    done
    vm_die "no /boot/vmlinuz-6.12.*-amd64 with matching /lib/modules and /usr/src/linux-headers;" \
        "run this inside the Debian 13 root: scripts/dev run $0 ..."
}

# Hash of the given files (stamps: a change to any of them rebuilds).
vm_hash() {
    cat "$@" | sha256sum | cut -d' ' -f1
}
