# shellcheck shell=bash
# shellcheck disable=SC2154 # a fragment: rel and kdir are scripts/vm-run's
# vm/initramfs.sh - sourced by scripts/vm-run: the guest's initramfs (busybox,
# stage 1 of scripts/guest/init and the virtio/9p modules with their
# dependencies, resolved by modprobe --show-depends), built once per kernel
# and recipe into the cache. Uses vm-run's rel and kdir.

# The config option of a module the initramfs loads.
config_of() {
	case $1 in
	9p) echo 9P_FS ;;
	9pnet_virtio) echo NET_9P_VIRTIO ;;
	virtio_pci) echo VIRTIO_PCI ;;
	virtio_console) echo VIRTIO_CONSOLE ;;
	virtio_net) echo VIRTIO_NET ;;
	esac
}

# The initramfs: busybox, stage 1 and the 9p modules (with their dependencies).
initramfs() {
	local sum out tmp m deps f order=() modprobe
	modprobe=$(command -v modprobe || echo /sbin/modprobe)
	[ -x "$modprobe" ] || die "modprobe is missing (Debian kmod)"
	# The guest's busybox: the host's, or (arm64) Debian's arm64
	# busybox-static from the sysroot of scripts/cross-build, which is then
	# the guest's whole userland (a standalone initramfs, see guest/init).
	local busybox=/bin/busybox standalone=0
	if [ "${BB_ARCH:-x86_64}" != x86_64 ]; then
		busybox=$(bb_sysroot "$BB_ARCH")/bin/busybox standalone=1
		[ -x "$busybox" ] || die "no $BB_ARCH busybox in the sysroot ($busybox)"
	fi
	# vm-run --forward: the NIC's driver too, where it is a module.
	local mods="virtio_pci virtio_console 9pnet_virtio 9p"
	[ -z "${forward:-}" ] || mods="$mods virtio_net"
	sum=$( (echo "recipe 4: $mods standalone=$standalone"; cat "$BB_ROOT/scripts/guest/init" "$busybox" "$kdir/package-version") | sha256sum | cut -c1-12)
	out=$BB_CACHE/initramfs/$rel-$sum.cpio.gz
	if [ ! -f "$out" ]; then
		mkdir -p "$BB_CACHE/initramfs"
		tmp=$(mktemp -d "$BB_CACHE/initramfs/.x.XXXXXX")
		mkdir -p "$tmp/root/bin" "$tmp/root/proc" "$tmp/root/dev" "$tmp/root/modules"
		cp "$busybox" "$tmp/root/bin/busybox"
		[ "$standalone" = 0 ] || : >"$tmp/root/standalone"
		cp "$BB_ROOT/scripts/guest/init" "$tmp/root/init"
		chmod +x "$tmp/root/init"
		# virtio's PCI transport and console are built in on 6.12 but
		# modules on 6.1: load them first where they are modules. The load
		# order is modprobe's own (--show-depends over the kernel's
		# modules.dep, through a lib/modules/<release> view of the cache).
		mkdir -p "$tmp/lib/modules"
		ln -s "$kdir/modules" "$tmp/lib/modules/$rel"
		for m in $mods; do
			if ! deps=$("$modprobe" -d "$tmp" -S "$rel" --show-depends "$m" 2>/dev/null); then
				case $m in virtio_*) continue ;; esac
				# Built in, as a kernel without modules says in its config.
				grep -qx "CONFIG_$(config_of "$m")=y" "$kdir/config" 2>/dev/null && continue
				die "kernel $rel has no $m module and does not build it in (CONFIG_$(config_of "$m"))"
			fi
			for f in $(echo "$deps" | awk '$1 == "insmod" { print $2 }'); do
				f=${f#"$tmp/lib/modules/$rel/"}
				[[ " ${order[*]-} " == *" $f "* ]] || order+=("$f")
			done
		done
		: >"$tmp/root/modules.order"
		for f in "${order[@]}"; do
			m=$(basename "$f")
			case $m in
			*.xz) xz -dc "$kdir/modules/$f" >"$tmp/root/modules/${m%.xz}"; m=${m%.xz} ;;
			*.zst) zstd -qdc "$kdir/modules/$f" >"$tmp/root/modules/${m%.zst}"; m=${m%.zst} ;;
			*) cp "$kdir/modules/$f" "$tmp/root/modules/$m" ;;
			esac
			echo "$m" >>"$tmp/root/modules.order"
		done
		(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initrd" ||
			die "cannot build the initramfs"
		mv "$tmp/initrd" "$out"
		rm -rf "$tmp"
	fi
	echo "$out"
}
