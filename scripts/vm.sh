#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built kernel in QEMU with the host's root file system read-only
# over 9p, run a command as root in the guest and return its exit status.
# The console log is saved; a kernel report on it (BUG, WARNING, Oops,
# KASAN, lockdep, kmemleak, ref_tracker, DMA API debugging, an IOMMU
# fault) fails the run.
#
# Usage: vm.sh [-k normal|debug] [-t timeout] [-o outdir] [-m mem] [-c cpus]
#              [-n e1000e] [-q qemu-arg] -- command...
# The command runs under bash in the guest, in the output directory
# (/mnt/out in the guest, outdir on the host), which it may write to.
# With -n e1000e the guest is a q35 machine with an Intel IOMMU in strict
# mode and two e1000e NICs joined back to back by a UDP socket netdev on
# the host's loopback: real PCI devices whose DMA goes through the IOMMU.
# guest/e1000e-pair.sh sets them up as a local and a remote end.
# Environment: ACCEL=kvm|tcg forces the accelerator; QEMU_EXTRA adds
# arguments (e.g. "-icount shift=0").
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=normal timeout=600 out="" mem=2G cpus=2 qextra=() nic=""
while getopts "k:t:o:m:c:q:n:" o; do
	case $o in
	k) flavour=$OPTARG ;;
	t) timeout=$OPTARG ;;
	o) out=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) cpus=$OPTARG ;;
	q) qextra+=("$OPTARG") ;;
	n) nic=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || die "usage: vm.sh [-k flavour] [-t timeout] [-o outdir] -- command..."

kernel=$(objdir "$flavour")/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no $flavour kernel at $kernel (make kernel)"
[ -n "$out" ] || out=$BUILD/vm-$flavour
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
printf '%s\n' "$*" >"$out/cmd"

# A guest that cannot finish booting under KVM in this time never will:
# nested KVM here may hang at "Booting from ROM".
probe_kvm() {
	local d
	[ -w /dev/kvm ] || return 1
	d=$(mktemp -d)
	timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 256M -smp 1 \
		-nographic -no-reboot -kernel "$kernel" \
		-append "console=ttyS0 panic=-1 init=/nonexistent" \
		</dev/null >"$d/log" 2>&1 2>/dev/null || true
	grep -q "Linux version" "$d/log"
	local rc=$?
	rm -rf "$d"
	return $rc
}

accel=${ACCEL:-}
if [ -z "$accel" ]; then
	if [ -f "$BUILD/accel" ]; then
		accel=$(cat "$BUILD/accel")
	else
		if probe_kvm 2>/dev/null; then accel=kvm; else accel=tcg; fi
		echo "$accel" >"$BUILD/accel"
		log "accelerator: $accel"
	fi
fi
case $accel in
kvm) acc=(-accel kvm -cpu host) ;;
tcg) acc=(-accel tcg,thread=multi -cpu max) ;;
*) die "ACCEL must be kvm or tcg" ;;
esac
# shellcheck disable=SC2206
[ -n "${QEMU_EXTRA:-}" ] && qextra+=($QEMU_EXTRA)
case " ${qextra[*]} " in
*" -icount "*) acc=(-accel tcg -cpu max) ;;
esac

append="console=ttyS0 root=root rootfstype=9p ro panic=-1 oops=panic"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
append+=" init=$TOP/guest/init quiet loglevel=5 kmemleak=on"
append+=" net.ifnames=0"

# The IOMMU comes first: QEMU wants it created before the PCI devices it
# translates for. The virtio devices don't ask for translation and keep
# using guest physical addresses.
machine=()
case $nic in
"") ;;
e1000e)
	port=$((20000 + RANDOM % 20000))
	machine=(-machine q35 -device intel-iommu)
	qextra+=(-netdev "socket,id=zc0,udp=127.0.0.1:$((port + 1)),localaddr=127.0.0.1:$port"
		-device e1000e,netdev=zc0,mac=52:54:00:5a:00:01
		-netdev "socket,id=zc1,udp=127.0.0.1:$port,localaddr=127.0.0.1:$((port + 1))"
		-device e1000e,netdev=zc1,mac=52:54:00:5a:00:02)
	append+=" intel_iommu=on iommu.strict=1"
	;;
*) die "-n: no NIC mode '$nic' (e1000e)" ;;
esac

log "vm: booting $flavour kernel ($accel, $cpus cpus, $mem${nic:+, $nic pair}), timeout ${timeout}s"
rc=0
timeout -k 10 "$timeout" qemu-system-x86_64 "${acc[@]}" -m "$mem" -smp "$cpus" \
	"${machine[@]}" \
	-nographic -no-reboot -nodefaults -serial stdio -kernel "$kernel" \
	-append "$append" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=out,security_model=none,multidevs=remap \
	-virtfs local,path="$TOP",mount_tag=top,security_model=none,readonly=on,multidevs=remap \
	-device virtio-rng-pci \
	"${qextra[@]}" </dev/null 2>&1 | tee "$out/console.log" || rc=$?
[ "$rc" = 124 ] && die "vm: timed out after ${timeout}s (console log: $out/console.log)"

# Kernel reports on the console fail the run whatever the command said:
# sanitizers, lockdep, kmemleak, ref_tracker, DMA API debugging and the
# Intel IOMMU's fault reports.
pat='BUG:|WARNING:|Oops|KASAN|UBSAN|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|lockdep is turned off|unreferenced object|ref_tracker|Kernel panic|hung_task|soft lockup|general protection'
pat+='|DMA-API|DMAR: \[|DMAR: DRHD'
if grep -E "$pat" "$out/console.log" >"$out/reports.txt"; then
	printf 'vm: kernel reports on the console:\n' >&2
	head -20 "$out/reports.txt" >&2
	die "vm: kernel reported problems (console log: $out/console.log)"
fi
[ -f "$out/rc" ] || die "vm: the guest did not report an exit status (console log: $out/console.log)"
exit "$(cat "$out/rc")"
