# SPDX-License-Identifier: GPL-2.0
# Entry points; the work is done by scripts/.
FLAVOUR ?= normal

.PHONY: demo bench zcrx-bench test deps tree export check-export checkpatch kernel selftests vm bisect soak fuzz close-fail i386 e1000e zcrx-cases nipa deb

demo:			## the main job: build, boot, show receive working
	scripts/demo.sh
bench:			## receive benchmark: every zcrx-bench mode, two timing regimes
	scripts/bench.sh
zcrx-bench:		## build tools/zcrx-bench into build/bench (needs make selftests' headers)
	@bash -c '. scripts/lib.sh && build_bench_tool'
test:			## everything CI runs: both kernels, all tests
	scripts/test.sh
deps:			## install build and test dependencies (apt)
	scripts/deps.sh
tree:			## unpack the base and apply the series (RESET=1 discards local commits)
	scripts/tree.sh
export:			## write base..HEAD of the work tree back to patches/
	scripts/export.sh
check-export:		## fail if exporting the work tree would change patches/
	scripts/export.sh --check
checkpatch:		## checkpatch.pl --strict over the series
	scripts/checkpatch.sh
kernel:			## build one kernel: make kernel FLAVOUR=normal|debug
	scripts/build.sh $(FLAVOUR)
selftests:		## build and install the selftests for the VM
	scripts/selftests.sh
vm:			## run CMD in a VM: make vm CMD='uname -a' FLAVOUR=debug
	scripts/vm.sh -k $(FLAVOUR) -- '$(CMD)'
bisect:			## build after every patch of the series
	scripts/bisect-check.sh
deb:			## Debian packages of the patched kernel into build/deb (DEB_CONFIG=FILE|debian, LOCALMODCONFIG=1)
	scripts/deb.sh
nipa:			## netdev-CI-style checks per patch (W=1 x86_64/i386, clang, sparse, kernel-doc): make nipa [FROM=n TO=n]
	scripts/nipa.sh $(FROM) $(TO)

ZCRX_TESTS = cd $(CURDIR)/build/kselftest/drivers/net &&
BYTES ?= 10737418240
SECS ?= 1800
SEED ?= 1
soak:			## zcrx soak outside CI: make soak BYTES=10737418240 (after make selftests)
	scripts/vm.sh -k $(FLAVOUR) -t 14400 -- '$(ZCRX_TESTS) ZCRX_SOAK_BYTES=$(BYTES) IOU_ZCRX_ARGS="-t soak" python3 iou-zcrx.py'
fuzz:			## zcrx fuzzer outside CI: make fuzz SECS=1800 SEED=1 FLAVOUR=debug
	scripts/vm.sh -k $(FLAVOUR) -t $$(($(SECS) + 1800)) -- '$(ZCRX_TESTS) ZCRX_FUZZ_SECS=$(SECS) ZCRX_FUZZ_SEED=$(SEED) IOU_ZCRX_ARGS="-t fuzz" python3 iou-zcrx.py'

i386:			## build check for 32-bit x86 with highmem (outside CI: a third kernel build)
	scripts/build.sh i386
close-fail:		## the zcrx case CI leaves out: a queue restart failing at ring exit (one WARNING expected)
	-scripts/vm.sh -k $(FLAVOUR) -t 1800 -- '$(ZCRX_TESTS) ZCRX_EXPECT_WARN=1 IOU_ZCRX_ARGS="-t close_restart_fails" python3 iou-zcrx.py'
e1000e:			## the e1000e tests (tests/e1000e.list, all of them) on FLAVOUR, after make kernel selftests
	scripts/vm.sh -k $(FLAVOUR) -n e1000e -t 5400 -m 4G -- 'cd $(CURDIR)/build/kselftest && HDS_STREAM_BYTES=16777216 ZCRX_PCI_UNBIND=1 IOU_ZCRX_SQ_ARGS= $(CURDIR)/guest/e1000e-pair.sh sh -c "./run_kselftest.sh -o 2700 $(E1000E_TESTS); ./run_kselftest.sh -o 2700 $(E1000E_LAST)"'
# The zcrx suite runs last: it unbinds the NIC at its end.
E1000E_ZCRX = drivers/net:iou-zcrx.py
E1000E_TESTS = $(shell sed -e 's/\#.*//' -e 's/[[:space:]]*@.*//' tests/e1000e.list | grep -vxF '$(E1000E_ZCRX)' | xargs -n1 printf ' -t %s')
E1000E_LAST = -t $(E1000E_ZCRX)
CASES ?= large_chunks_thp large_chunks_hw_gro export_import_close_orders event_alloc_fail
zcrx-cases:		## zcrx cases CI runs on the normal kernel only: make zcrx-cases FLAVOUR=debug [CASES="..."]
	scripts/vm.sh -k $(FLAVOUR) -t 3600 -m 4G -- '$(ZCRX_TESTS) HDS_STREAM_BYTES=16777216 IOU_ZCRX_ARGS="$(foreach c,$(CASES),-t $(c))" python3 iou-zcrx.py'
