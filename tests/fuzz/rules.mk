# SPDX-License-Identifier: MIT
# Fuzz targets for the parsers of untrusted input (libFuzzer). Not part of
# `make test`:
#   make fuzz-build      build every target
#   make fuzz            build, then run each target FUZZ_SECONDS seconds
#   make fuzz FUZZ_SECONDS=300 FUZZ_TARGETS="mb2 elf"
# The targets always use clang (libFuzzer), whatever $(CC) is; the seed
# generator is an ordinary host program built with $(CC).

FUZZ_CC := clang
FUZZ_ALL := mb2 elf acpi dmar memmap cmdline boot_modules xenstore guest_walk npt hcall_decode gnttab evtchn \
            mgmt_decode builder_image insn_mov vlapic bytering blkif gpt xl_disk virtq virtio_caps
FUZZ_ALL += vnet netswitch netif xl_vif
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SECONDS ?= 30
FUZZ_DIR := $(OUT)/tests/fuzz

fuzz_mb2_SRCS := core/boot/mb2.c core/mm/memmap.c core/boot/boot_modules.c core/boot/cmdline.c
fuzz_elf_SRCS := core/lib/elf.c
fuzz_acpi_SRCS := core/boot/acpi.c core/iommu/dmar.c
fuzz_dmar_SRCS := core/iommu/dmar.c
fuzz_memmap_SRCS := core/mm/memmap.c
fuzz_cmdline_SRCS := core/boot/cmdline.c
fuzz_boot_modules_SRCS := core/boot/boot_modules.c core/mm/memmap.c
fuzz_guest_walk_SRCS := core/svm/guest_walk.c
# The MOV decoder that finishes accesses to unbacked guest-physical memory.
fuzz_insn_mov_SRCS := core/svm/insn_mov.c
# The decode step of every Xen hypercall family: generated headers only.
fuzz_hcall_decode_SRCS := core/hcall/decode_xen.c core/hcall/decode_tables.c
# The local APIC's registers, as a guest's MSR accesses drive them.
fuzz_vlapic_SRCS := core/vlapic/vlapic.c
# The decode step of the management hypercall: generated headers only.
fuzz_mgmt_decode_SRCS := core/hcall/decode_mgmt.c
# The grant-table and event-channel bookkeeping under their unit tests'
# randomized model checks, the input as the random stream (fuzz_model.c).
fuzz_gnttab_SRCS := core/gnttab/gnttab.c tests/fuzz/fuzz_model.c
fuzz_gnttab_DEPS := tests/unit/gnttab_test.c tests/unit/harness.h
fuzz_gnttab_CFLAGS = -Itests/unit
fuzz_evtchn_SRCS := core/evtchn/evtchn.c tests/fuzz/fuzz_model.c
fuzz_evtchn_DEPS := tests/unit/evtchn_test.c tests/unit/harness.h
fuzz_evtchn_CFLAGS = -Itests/unit
# The NPT against the reference model and fake frame pool of its unit test.
fuzz_npt_SRCS := core/npt/npt.c tests/unit/npt_model.c
fuzz_npt_DEPS := tests/unit/npt_model.h
fuzz_npt_CFLAGS = -Itests/unit
# The XenStore library: its own include path, the IDL headers before it builds.
fuzz_xenstore_SRCS := $(sort $(wildcard xenstore/*.c))
fuzz_xenstore_DEPS := $(wildcard xenstore/*.h xenstore/include/xenstore/*.h)
fuzz_xenstore_CFLAGS = -Ixenstore/include $(IDL_INCLUDE)

# The builder's kernel image reader: bzImage header, xz (Debian's liblzma), ELF32/64, notes.
fuzz_builder_image_SRCS := domains/builder/image.c domains/builder/image_xz.c
fuzz_builder_image_DEPS := domains/builder/image.h domains/builder/image_xz.h
fuzz_builder_image_CFLAGS = -Idomains/builder
fuzz_builder_image_LIBS := -llzma

# xl's disk syntax, string lists and vdev names, as a manifest gives them to the builder.
fuzz_xl_disk_SRCS := lib/xl/xl_disk.c lib/xl/xl_list.c
fuzz_xl_disk_DEPS := lib/xl/xl_disk.h lib/xl/xl_list.h
fuzz_xl_disk_CFLAGS = -Ilib/xl
# xl's vif syntax, as a manifest gives it to the builder.
fuzz_xl_vif_SRCS := lib/xl/xl_vif.c lib/xl/xl_list.c
fuzz_xl_vif_DEPS := lib/xl/xl_vif.h lib/xl/xl_list.h
fuzz_xl_vif_CFLAGS = -Ilib/xl

# The domains' byte rings (console and XenStore pages), the guest's side hostile.
fuzz_bytering_SRCS := domains/runtime/bytering.c
fuzz_bytering_DEPS := domains/runtime/include/mosaic/bytering.h
fuzz_bytering_CFLAGS = -Idomains/runtime/include

# The block back end's request engine and GPT parser, over the fakes of their unit tests.
fuzz_blkif_SRCS := domains/blkdrv/blkback.c domains/blkdrv/blkreq.c domains/blkdrv/gpt.c tests/unit/blkback_fake.c
fuzz_blkif_DEPS := $(wildcard domains/blkdrv/*.h) tests/unit/blkback_fake.h
fuzz_blkif_CFLAGS = -Idomains/blkdrv -Itests/unit
fuzz_gpt_SRCS := $(fuzz_blkif_SRCS)
fuzz_gpt_DEPS := $(fuzz_blkif_DEPS)
fuzz_gpt_CFLAGS = -Idomains/blkdrv -Itests/unit

# The drivers: the virtqueue's used-ring consumer, and the PCI/virtio
# capability parsers, each with the host's drivers environment.
fuzz_virtq_SRCS := drivers/virtqueue.c tests/unit/drivers_env.c
fuzz_virtq_DEPS := $(wildcard drivers/include/drivers/*.h)
fuzz_virtq_CFLAGS = -Idrivers/include -Itests/unit
fuzz_virtio_caps_SRCS := drivers/pci.c drivers/virtio_pci.c drivers/virtqueue.c tests/unit/drivers_env.c
fuzz_virtio_caps_DEPS := $(wildcard drivers/include/drivers/*.h)
fuzz_virtio_caps_CFLAGS = -Idrivers/include -Itests/unit
# virtio-net's used rings and receive headers, over a plain-memory device
# (the target includes drivers/virtio_net.c to reach both queues' rings).
fuzz_vnet_SRCS := drivers/pci.c drivers/virtio_pci.c drivers/virtqueue.c tests/unit/drivers_env.c
fuzz_vnet_DEPS := drivers/virtio_net.c $(wildcard drivers/include/drivers/*.h) tests/unit/drivers_env.h
fuzz_vnet_CFLAGS = -Idrivers/include -Itests/unit

# netdrv's switch with random frames from random ports in every mode, over
# the fakes of its unit test; the pool's buffers all come back.
fuzz_netswitch_SRCS := domains/netdrv/switch.c domains/netdrv/route.c domains/netdrv/proto.c domains/netdrv/csum.c \
	domains/netdrv/pkt.c tests/unit/netdrv_fake.c tests/unit/drivers_env.c
fuzz_netswitch_DEPS := $(wildcard domains/netdrv/*.h) tests/unit/netdrv_fake.h
fuzz_netswitch_CFLAGS = -Idomains/netdrv -Idrivers/include -Itests/unit
# netdrv's netif engine over the fake guest of its unit test, the frame pool on the host's DMA memory.
fuzz_netif_SRCS := domains/netdrv/netback.c domains/netdrv/pkt.c tests/unit/netback_fake.c tests/unit/drivers_env.c
fuzz_netif_DEPS := $(wildcard domains/netdrv/*.h) tests/unit/netback_fake.h
fuzz_netif_CFLAGS = -Idomains/netdrv -Idrivers/include -Itests/unit
# netdrv's frame code: offload, NAT and the DHCP server on hostile frames,
# checked by the checksum oracle of their unit tests (tests/unit/netframe.c).
FUZZ_ALL += netframe
fuzz_netframe_SRCS := domains/netdrv/pkt.c domains/netdrv/csum.c domains/netdrv/proto.c domains/netdrv/offload.c \
	domains/netdrv/nat.c domains/netdrv/dhcpd.c tests/unit/netframe.c tests/unit/drivers_env.c
fuzz_netframe_DEPS := $(wildcard domains/netdrv/*.h) tests/unit/netframe.h
fuzz_netframe_CFLAGS = -Idomains/netdrv -Idrivers/include -Itests/unit
# xl's config files (lib/xl): the whole file, its CRLF twin, the machine check.
FUZZ_ALL += xl_cfg
fuzz_xl_cfg_SRCS := lib/xl/xl_cfg.c lib/xl/xl_cfg_keys.c lib/xl/xl_lex.c lib/xl/xl_cpus.c lib/xl/xl_disk.c \
	lib/xl/xl_vif.c lib/xl/xl_list.c
fuzz_xl_cfg_DEPS := $(wildcard lib/xl/*.h)
fuzz_xl_cfg_CFLAGS = -Ilib/xl

# The control domain's frames, requests and key file (domains/control),
# as a client's stream after the TLS handshake and as the boot's key
# module; the verbs act on the unit tests' model of the core.
FUZZ_ALL += control_wire
fuzz_control_wire_SRCS := domains/control/wire.c domains/control/msg.c domains/control/key.c \
	domains/control/verbs.c domains/control/verbs_device.c domains/control/devspec.c tests/unit/control_fake.c core/hcall/decode_mgmt.c \
	domains/control/create.c domains/control/images.c $(sort $(wildcard lib/xl/*.c)) domains/console/serve.c \
	tests/unit/consctl_fake.c
fuzz_control_wire_DEPS := $(wildcard domains/control/*.h lib/xl/*.h) tests/unit/control_fake.h \
	domains/console/serve.h tests/unit/consctl_fake.h
fuzz_control_wire_CFLAGS = -Idomains/control -Idomains/console -Itests/unit -Ilib/xl
fuzz_control_wire_LIBS := -lmbedcrypto

# The console channel (idl/consctl.idl) from both ends: the console
# domain's answers to any request bytes (domains/console/serve.c) over a
# log the input writes; the control domain's checks of any response
# bytes (verbs_console, domains/control/verbs.c).
FUZZ_ALL += consctl_serve consctl_front
fuzz_consctl_serve_SRCS := domains/console/serve.c tests/unit/consctl_fake.c
fuzz_consctl_serve_DEPS := domains/console/serve.h tests/unit/consctl_fake.h
fuzz_consctl_serve_CFLAGS = -Idomains/console -Itests/unit
fuzz_consctl_front_SRCS := domains/control/verbs.c domains/control/verbs_device.c domains/control/devspec.c tests/unit/control_fake.c core/hcall/decode_mgmt.c \
	domains/control/create.c domains/control/images.c $(sort $(wildcard lib/xl/*.c))
fuzz_consctl_front_DEPS := $(wildcard domains/control/*.h lib/xl/*.h) tests/unit/control_fake.h
fuzz_consctl_front_CFLAGS = -Idomains/control -Itests/unit -Ilib/xl
fuzz_consctl_front_LIBS := -lmbedcrypto

# The build service's request decoder (domains/builder/buildreq.c), a
# client's ring entry and spec page, against the reference of its unit
# test (tests/unit/buildreq_model.c).
FUZZ_ALL += buildreq
fuzz_buildreq_SRCS := domains/builder/buildreq.c domains/builder/manifest.c tests/unit/buildreq_model.c lib/xl/xl_cpus.c \
	lib/xl/xl_disk.c lib/xl/xl_vif.c lib/xl/xl_list.c
fuzz_buildreq_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h) tests/unit/buildreq_model.h
fuzz_buildreq_CFLAGS = -Idomains/builder -Ilib/xl -Itests/unit

# The build service's hot-plug page (domains/builder/buildreq.c,
# buildreq_decode_device), with lib/xl's disk and vif parsers.
FUZZ_ALL += builddev
fuzz_builddev_SRCS := domains/builder/buildreq.c domains/builder/manifest.c lib/xl/xl_cpus.c lib/xl/xl_disk.c \
	lib/xl/xl_vif.c lib/xl/xl_list.c
fuzz_builddev_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h)
fuzz_builddev_CFLAGS = -Idomains/builder -Ilib/xl

FUZZ_CFLAGS := -std=c11 -g -O1 $(WARN_FLAGS) -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include $(IDL_INCLUDE)
FUZZ_COMMON := tests/fuzz/fuzz_env.c
FUZZ_HDRS = $(wildcard tests/fuzz/*.h core/include/core/*.h tests/unit/include/core/*.h)
FUZZ_UNKNOWN := $(filter-out $(FUZZ_ALL),$(FUZZ_TARGETS))

fuzz-build: $(patsubst %,$(FUZZ_DIR)/%_fuzz,$(filter $(FUZZ_ALL),$(FUZZ_TARGETS)))
	$(if $(FUZZ_UNKNOWN),$(error unknown FUZZ_TARGETS: $(FUZZ_UNKNOWN) (known: $(FUZZ_ALL))))
	@:

define fuzz_rule
$(FUZZ_DIR)/$(1)_fuzz: tests/fuzz/$(1)_fuzz.c $$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) $$(FUZZ_HDRS) $$(fuzz_$(1)_DEPS) \
		| $(IDL_HEADERS)
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) $$(fuzz_$(1)_CFLAGS) -o $$@ tests/fuzz/$(1)_fuzz.c $$(fuzz_$(1)_SRCS) $(FUZZ_COMMON) \
		$$(fuzz_$(1)_LIBS)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

# Seeds are generated, not committed: rebuilt whenever the generator changes.
$(FUZZ_DIR)/make_seeds: tests/fuzz/make_seeds.c $(FUZZ_HDRS) | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(HOST_CFLAGS) -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include $(IDL_INCLUDE) -o $@ $< -llzma

$(FUZZ_DIR)/seeds/.stamp: $(FUZZ_DIR)/make_seeds
	@rm -rf $(FUZZ_DIR)/seeds
	@echo "  SEEDS   $(FUZZ_DIR)/seeds"
	@$< $(FUZZ_DIR)/seeds
	@touch $@

fuzz-seeds: $(FUZZ_DIR)/seeds/.stamp
	@:

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build fuzz-seeds
	@tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-build fuzz-seeds
