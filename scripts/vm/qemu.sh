# shellcheck shell=bash
# shellcheck disable=SC2154,SC2054 # a fragment: rel, build, ... are scripts/vm-run's; commas are QEMU's own option syntax
# vm/qemu.sh - sourced by scripts/vm-run: the QEMU command line of a guest
# (9p shares, consoles, accelerator), the files a boot's run directory gives
# the guest (environment, COMMAND, module), and the KVM probe. Uses vm-run's
# settings (smp, mem, kdir, initrd, kernel_args, cwd, root_share, cache_share,
# ko, ...).

qemu_cmd() {
	local acc=$1 run=$2 share_cwd=$3
	# arm64: QEMU's "virt" board; pauth-impdef: the CPU's pointer
	# authentication with QEMU's cheap hash instead of QARMA, which makes TCG
	# much slower and changes nothing binder does.
	local machine=() console=ttyS0 cpu=max
	if [ "${arch:-x86_64}" = arm64 ]; then
		machine=(-M virt) console=ttyAMA0 cpu=max,pauth-impdef=on
	fi
	local a=("$qemu_bin" "${machine[@]}" -nodefaults -display none -no-reboot -no-user-config
		-smp "$smp" -m "$mem" -kernel "$kdir/vmlinuz" -initrd "$initrd"
		-append "console=$console loglevel=7 panic=-1 sysrq_always_enabled rdinit=/init${kernel_args:+ $kernel_args}"
		-serial "file:$run/console.log"
		-monitor "unix:${monitor:-$run/monitor.sock},server=on,wait=off"
		-device virtio-serial-pci
		-chardev "pipe,id=out,path=$run/hvc0" -device virtconsole,chardev=out
		-chardev "pipe,id=err,path=$run/hvc1" -device virtconsole,chardev=err
		-virtfs "local,path=$run,mount_tag=bbrun,security_model=none")
	[ "${arch:-x86_64}" != x86_64 ] ||
		a+=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
	[ "$share_cwd" = 1 ] && a+=(-virtfs "local,path=$cwd,mount_tag=bbcwd,security_model=none")
	[ "$share_cwd" = 1 ] && [ -n "$root_share" ] &&
		a+=(-virtfs "local,path=$root_share,mount_tag=bbroot,security_model=none,readonly=on")
	if [ -n "${cache_share:-}" ]; then
		a+=(-virtfs "local,path=$cache_share,mount_tag=bbcache,security_model=none,readonly=on")
	fi
	# --forward: a NIC on the user network, one host port forwarded in.
	[ -z "${forward:-}" ] ||
		a+=(-netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:${forward%%:*}-:${forward#*:}"
			-device virtio-net-pci,netdev=net0)
	case $acc in
	kvm) a+=(-accel kvm -cpu host) ;;
	tcg) a+=(-accel tcg,thread=multi -cpu "$cpu") ;;
	esac
	printf '%q ' "${a[@]}"
}

write_guest_files() {
	local run=$1 share_cwd=$2
	shift 2
	# QEMU writes the guest's consoles into FIFOs that cat copies to our own
	# stdout/stderr (reopening /proc/self/fd/N would clobber the caller's file).
	mkfifo "$run/hvc0.in" "$run/hvc0.out" "$run/hvc1.in" "$run/hvc1.out"
	cp "$BB_ROOT/scripts/guest/stage2" "$run/stage2"
	[ ! -x "${binderfs_ctl:-}" ] || cp "$binderfs_ctl" "$run/binderfs-ctl"
	[ -s "$kdir/kallsyms.txt" ] || : >"$run/want-kallsyms"
	{
		printf 'BB_CWD=%q\n' "$([ "$share_cwd" = 1 ] && echo "$cwd")"
		printf 'BB_ROOT_SHARE=%q\n' "$([ "$share_cwd" = 1 ] && echo "$root_share")"
		printf 'BB_CACHE_SHARE=%q\n' "${cache_share:-}"
		# The guest sees the run directory as /run/bb; a module file anywhere
		# on the host (even under the guest's tmpfs /tmp) is loaded from there.
		if [ -n "$ko" ]; then
			cp "$ko" "$run/module.ko"
			printf 'BB_MODULE=%q\nBB_MODULE_ARGS=%q\n' /run/bb/module.ko "$module_args"
		else
			printf 'BB_MODULE=\nBB_MODULE_ARGS=\n'
		fi
		printf 'BB_NET=%q\n' "$([ -n "${forward:-}" ] && echo 1)"
		printf 'export BB_KERNEL=%q BB_BUILD=%q BB_BUILD_ID=%q BB_BINDER=%q BB_BINDER_DRIVER=%q BB_ACCEL=%q BB_SMP=%q BB_MEM=%q BB_BOOT_ATTEMPT=%q\n' \
			"$rel" "$build" "$build_id" "${binder:-module}" "${driver:-c}" "$used_accel" "$smp" "$mem" "${attempt:-1}"
		# The binder device and binderfs are the guest's own (stage 2).
		env | grep -E '^(BB_|BINDERBENCH_|ASAN_|UBSAN_|LSAN_)' |
			grep -vE '^BB_(KERNEL|BUILD|BUILD_ID|BINDER|ACCEL|SMP|MEM|CWD|MODULE|MODULE_ARGS|BOOT_ATTEMPT|NET|BINDER_DEV|BINDER_DRIVER|BINDER_LOGS|BINDERFS|BINDERFS_CTL)=' |
			while IFS='=' read -r k v; do printf 'export %s=%q\n' "$k" "$v"; done || true
	} >"$run/env"
	printf 'exec' >"$run/cmd"
	printf ' %q' "$@" >>"$run/cmd"
	echo >>"$run/cmd"
}

# KVM only when a probe guest really boots with it (cached per host boot).
probe_kvm() {
	local boot probe res=no
	[ -w /dev/kvm ] || return 1
	boot=$(cat /proc/sys/kernel/random/boot_id)
	probe=$BB_CACHE/kvm-probe.$boot
	if [ ! -f "$probe" ]; then
		local pdir
		pdir=$(mktemp -d "$BB_CACHE/vm-runs/kvm-probe.XXXXXX")
		used_accel=kvm ko='' write_guest_files "$pdir" 0 true
		cat "$pdir/hvc0.out" >/dev/null &
		cat "$pdir/hvc1.out" >/dev/null &
		if eval "timeout -k 5 60 $(qemu_cmd kvm "$pdir" 0)" >/dev/null 2>&1 </dev/null &&
			[ "$(cat "$pdir/rc" 2>/dev/null)" = 0 ]; then
			res=yes
		fi
		echo "$res" >"$probe"
		rm -rf "$pdir"
	fi
	[ "$(cat "$probe")" = yes ]
}
