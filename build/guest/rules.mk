# SPDX-License-Identifier: MIT
# The Linux guest images: Debian's kernel, unchanged, and an initramfs made
# from Debian packages (build/guest/fetch.sh fetches and unpacks them into
# the cache once; build/guest/initramfs.py assembles). Scenarios name them
# out/guest/vmlinuz and out/guest/initrd.img.

GUEST := $(OUT)/guest
GUEST_IMAGES := $(GUEST)/vmlinuz $(GUEST)/initrd.img $(GUEST)/initrd-bench.img
GUEST_FETCH := build/guest/fetch.sh build/guest/versions
# What /init loads on Xen; initramfs.py adds what they depend on and
# leaves out any this kernel has built in.
# ext4 also mounts the ext2 file systems busybox's mke2fs makes
# (tests/guest/blk.sh); it asks the crypto API for crc32c at every mount,
# which would otherwise need modprobe's aliases: crc32c_generic is loaded
# by name.
GUEST_MODULES := xenfs xen-privcmd xen-evtchn xen-gntdev xen-blkfront xen-netfront crc32c_generic ext4
# What it loads on no hypervisor: a virtio disk and a virtio NIC, for the
# benchmarks' and the network scenarios' runs of the same kernel alone
# (virtio_net brings net_failover and failover).
GUEST_NATIVE_MODULES := virtio_pci virtio_blk virtio_net crc32c_generic ext4
# Programs of the packages carried in both images, with their libraries:
# iperf3 for the network tests and tests/bench/net.py.
GUEST_ELVES := usr/bin/iperf3
GUEST_TESTS := $(wildcard tests/guest/*.sh)
# Guest programs in C: built static with the host's gcc and glibc (libc6-dev),
# so the initramfs needs no libraries for them; /tests/NAME beside the tests.
GUEST_PROGRAMS := $(patsubst tests/guest/%.c,$(GUEST)/tests/%,$(wildcard tests/guest/*.c))
GUEST_PROGRAM_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -static -Wl,--build-id=none

guest: $(GUEST_IMAGES)

$(GUEST)/vmlinuz: $(GUEST_FETCH)
	@build/guest/fetch.sh
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@cp "$$(build/guest/fetch.sh --dir)"/root/boot/vmlinuz-* $@.tmp && mv $@.tmp $@

# tests/guest itself too: its time changes when a test is added or removed.
GUEST_INITRD_DEPS := $(GUEST_FETCH) build/guest/initramfs.py build/guest/init build/guest/rules.mk \
	tests/guest $(GUEST_TESTS) $(GUEST_PROGRAMS)
GUEST_INITRD_ARGS = --root "$$(build/guest/fetch.sh --dir)/root" --init build/guest/init \
	$(addprefix --test ,$(GUEST_TESTS)) $(addprefix --program ,$(GUEST_PROGRAMS)) $(addprefix --module ,$(GUEST_MODULES)) \
	$(addprefix --native-module ,$(GUEST_NATIVE_MODULES)) $(addprefix --elf ,$(GUEST_ELVES))

$(GUEST)/initrd.img: $(GUEST_INITRD_DEPS)
	@build/guest/fetch.sh
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@$(PYTHON) build/guest/initramfs.py $(GUEST_INITRD_ARGS) --out $@

$(GUEST)/initrd-bench.img: $(GUEST_INITRD_DEPS)
	@build/guest/fetch.sh
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@$(PYTHON) build/guest/initramfs.py $(GUEST_INITRD_ARGS) --elf usr/bin/fio --out $@

# The host's gcc, not the domains' toolchain: this is a Linux program.
$(GUEST)/tests/%: tests/guest/%.c build/guest/rules.mk
	@mkdir -p $(dir $@)
	@echo "  GUESTCC $@"
	@gcc $(GUEST_PROGRAM_CFLAGS) -o $@ $<

.PHONY: guest
