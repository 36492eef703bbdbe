UNIT_TESTS += mb2 memmap frame_pool elf boot_modules
unit_mb2_SRCS := core/boot/mb2.c
unit_memmap_SRCS := core/mm/memmap.c
unit_frame_pool_SRCS := core/mm/frame_pool.c
unit_elf_SRCS := core/lib/elf.c
unit_boot_modules_SRCS := core/boot/boot_modules.c core/mm/memmap.c
UNIT_TESTS += acpi dmar
unit_acpi_SRCS := core/boot/acpi.c
unit_dmar_SRCS := core/iommu/dmar.c
UNIT_TESTS += credit
unit_credit_SRCS := core/sched/credit.c
UNIT_TESTS += evtchn gnttab
unit_evtchn_SRCS := core/evtchn/evtchn.c
unit_gnttab_SRCS := core/gnttab/gnttab.c
UNIT_TESTS += svm_event
UNIT_TESTS += guest_walk npt
unit_guest_walk_SRCS := core/svm/guest_walk.c
UNIT_TESTS += insn_mov
unit_insn_mov_SRCS := core/svm/insn_mov.c
unit_npt_SRCS := core/npt/npt.c tests/unit/npt_model.c
UNIT_TESTS += epoch domain_ids
unit_epoch_SRCS := core/mm/epoch.c
unit_domain_ids_SRCS := core/domain/domain_ids.c
UNIT_TESTS += hcall_decode
unit_hcall_decode_SRCS := core/hcall/decode_xen.c core/hcall/decode_tables.c core/hcall/decode_mgmt.c
# The builder's pure parts: kernel images (xz through Debian's liblzma,
# the host's build of what the builder links), ACPI, layout, manifest.
UNIT_TESTS += builder
unit_builder_SRCS := domains/builder/image.c domains/builder/image_xz.c domains/builder/acpi.c \
	domains/builder/layout.c domains/builder/manifest.c lib/xl/xl_disk.c lib/xl/xl_list.c lib/xl/xl_vif.c \
	lib/xl/xl_cpus.c
unit_builder_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h)
unit_builder_CFLAGS := -Idomains/builder -Ilib/xl
unit_builder_LIBS := -llzma
# xl's disk syntax and virtual device names, xl's string lists, the manifest's disk key.
UNIT_TESTS += xl_disk
unit_xl_disk_SRCS := lib/xl/xl_disk.c lib/xl/xl_list.c domains/builder/manifest.c lib/xl/xl_vif.c \
	lib/xl/xl_cpus.c tests/unit/manifest_caught.c
unit_xl_disk_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h) tests/unit/manifest_caught.h
unit_xl_disk_CFLAGS := -Idomains/builder -Ilib/xl
UNIT_TESTS += vlapic
unit_vlapic_SRCS := core/vlapic/vlapic.c
# The block driver domain's pure parts (domains/blkdrv): GPT, request
# decoding, the blkif engine over a fake guest and disk.
BLKBACK_UNIT_SRCS := domains/blkdrv/gpt.c domains/blkdrv/blkreq.c domains/blkdrv/blkback.c tests/unit/blkback_fake.c
UNIT_TESTS += blkback_gpt blkback_req blkback_conn
unit_blkback_gpt_SRCS := $(BLKBACK_UNIT_SRCS)
unit_blkback_req_SRCS := $(BLKBACK_UNIT_SRCS)
unit_blkback_conn_SRCS := $(BLKBACK_UNIT_SRCS)
unit_blkback_gpt_DEPS := $(wildcard domains/blkdrv/*.h) tests/unit/blkback_fake.h
unit_blkback_req_DEPS := $(unit_blkback_gpt_DEPS)
unit_blkback_conn_DEPS := $(unit_blkback_gpt_DEPS)
unit_blkback_gpt_CFLAGS := -Idomains/blkdrv
unit_blkback_req_CFLAGS := -Idomains/blkdrv
unit_blkback_conn_CFLAGS := -Idomains/blkdrv
# The drivers (drivers/): PCI helpers, virtio-pci, the split virtqueue and
# virtio-blk against a fake device whose registers trap (virtio_fake.c).
UNIT_TESTS += virtio_blk
DRIVERS_HOST_SRCS := drivers/pci.c drivers/virtio_pci.c drivers/virtqueue.c drivers/virtio_blk.c tests/unit/drivers_env.c
unit_virtio_blk_SRCS := $(DRIVERS_HOST_SRCS) tests/unit/virtio_fake.c
unit_virtio_blk_DEPS := $(wildcard drivers/include/drivers/*.h) tests/unit/virtio_fake.h tests/unit/drivers_env.h
unit_virtio_blk_CFLAGS := -Idrivers/include
UNIT_TESTS += vtd_space vtd_irte
unit_vtd_space_SRCS := core/iommu/vtd_space.c core/npt/npt.c
# The filter on assigned functions' configuration writes (core/pci).
UNIT_TESTS += pci_filter
unit_pci_filter_SRCS := core/pci/pci_filter.c
unit_pci_filter_CFLAGS := -Icore/pci
# netdrv's switch and the header code it uses, over recording fakes of the
# host stack, NAT, DHCP and offload (tests/unit/netdrv_fake.c).
NETSWITCH_HOST_SRCS := domains/netdrv/switch.c domains/netdrv/route.c domains/netdrv/proto.c domains/netdrv/csum.c \
	domains/netdrv/pkt.c tests/unit/netdrv_fake.c tests/unit/drivers_env.c
UNIT_TESTS += switch
unit_switch_SRCS := $(NETSWITCH_HOST_SRCS) tests/unit/netframe.c
unit_switch_DEPS := $(wildcard domains/netdrv/*.h) tests/unit/netframe.h
unit_switch_CFLAGS := -Idomains/netdrv -Idrivers/include
# virtio-net against the same fake device, playing a NIC.
UNIT_TESTS += virtio_net
DRIVERS_HOST_SRCS += drivers/virtio_net.c
unit_virtio_net_SRCS := $(DRIVERS_HOST_SRCS) tests/unit/virtio_fake.c
unit_virtio_net_DEPS := $(unit_virtio_blk_DEPS)
unit_virtio_net_CFLAGS := -Idrivers/include
# netdrv's netif engine over a fake guest, with the frame pool on the host's DMA memory.
UNIT_TESTS += netback
unit_netback_SRCS := domains/netdrv/netback.c domains/netdrv/pkt.c tests/unit/netback_fake.c tests/unit/drivers_env.c
unit_netback_DEPS := $(wildcard domains/netdrv/*.h) tests/unit/netback_fake.h
unit_netback_CFLAGS := -Idomains/netdrv -Idrivers/include
# netdrv's host stack (ipstack.c) on the host's build of lwIP (build/lwip.sh
# --host, netdrv's lwipopts.h), through a recording switch.
LWIP_HOST := $(shell build/lwip.sh --prefix --host $(CC) domains/netdrv/lwipopts.h)
$(LWIP_HOST)/.complete:
	@build/lwip.sh --host $(CC) domains/netdrv/lwipopts.h
UNIT_TESTS += ipstack
unit_ipstack_SRCS := domains/netdrv/ipstack.c domains/netdrv/pkt.c tests/unit/drivers_env.c
unit_ipstack_DEPS := $(wildcard domains/netdrv/*.h) $(LWIP_HOST)/.complete
unit_ipstack_CFLAGS := -Idomains/netdrv -Idrivers/include -Idomains/runtime/include -isystem $(LWIP_HOST)/include
unit_ipstack_LIBS := $(LWIP_HOST)/lib/liblwip.a
# netdrv's pure frame code (domains/netdrv): checksums, offload, NAT, DHCP,
# over the frame pool with the host's DMA memory, checked by netframe.c.
NETDRV_UNIT_SRCS := domains/netdrv/pkt.c domains/netdrv/csum.c domains/netdrv/proto.c tests/unit/drivers_env.c \
	tests/unit/netframe.c
NETDRV_UNIT_DEPS := $(wildcard domains/netdrv/*.h)
UNIT_TESTS += netdrv_offload
unit_netdrv_offload_SRCS := $(NETDRV_UNIT_SRCS) domains/netdrv/offload.c
unit_netdrv_offload_DEPS := $(NETDRV_UNIT_DEPS)
unit_netdrv_offload_CFLAGS := -Idomains/netdrv -Idrivers/include
UNIT_TESTS += nat
unit_nat_SRCS := $(NETDRV_UNIT_SRCS) domains/netdrv/nat.c domains/netdrv/offload.c
unit_nat_DEPS := $(NETDRV_UNIT_DEPS)
unit_nat_CFLAGS := -Idomains/netdrv -Idrivers/include
UNIT_TESTS += dhcpd
unit_dhcpd_SRCS := $(NETDRV_UNIT_SRCS) domains/netdrv/dhcpd.c
unit_dhcpd_DEPS := $(NETDRV_UNIT_DEPS)
unit_dhcpd_CFLAGS := -Idomains/netdrv -Idrivers/include
# xl's vif syntax, MACs drawn in Xen's range, the manifest's vif key.
UNIT_TESTS += xl_vif
unit_xl_vif_SRCS := lib/xl/xl_vif.c lib/xl/xl_list.c lib/xl/xl_disk.c domains/builder/manifest.c \
	lib/xl/xl_cpus.c tests/unit/manifest_caught.c
unit_xl_vif_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h) tests/unit/manifest_caught.h
unit_xl_vif_CFLAGS := -Idomains/builder -Ilib/xl
# xl's config files (lib/xl): every key, xl's syntax, the errors' lines,
# the machine check, and the sample files of tests/configs/.
UNIT_TESTS += xl_cfg
unit_xl_cfg_SRCS := lib/xl/xl_cfg.c lib/xl/xl_cfg_keys.c lib/xl/xl_lex.c lib/xl/xl_cpus.c lib/xl/xl_disk.c \
	lib/xl/xl_vif.c lib/xl/xl_list.c
unit_xl_cfg_DEPS := $(wildcard lib/xl/*.h) $(wildcard tests/configs/*.cfg)
unit_xl_cfg_CFLAGS := -Ilib/xl
# The control protocol's pure pieces (domains/control): frames, the
# request handler, the management key file (shared with tools/mosaic).
UNIT_TESTS += control_wire
unit_control_wire_SRCS := domains/control/wire.c domains/control/msg.c domains/control/key.c \
	domains/control/verbs.c domains/control/verbs_device.c domains/control/devspec.c tests/unit/control_fake.c core/hcall/decode_mgmt.c \
	domains/control/create.c domains/control/images.c $(sort $(wildcard lib/xl/*.c))
unit_control_wire_DEPS := domains/control/wire.h domains/control/msg.h domains/control/key.h \
	domains/control/verbs.h tests/unit/control_fake.h
unit_control_wire_CFLAGS := -Idomains/control -Itests/unit -Ilib/xl
unit_control_wire_LIBS := -lmbedcrypto
# The control domain's management verbs (domains/control/verbs.c, msg.c)
# against a model of the core's management calls (control_fake.c) that
# decodes each call with the core's own decode step.
UNIT_TESTS += control_verbs
unit_control_verbs_SRCS := domains/control/wire.c domains/control/msg.c domains/control/verbs.c domains/control/verbs_device.c domains/control/devspec.c \
	tests/unit/control_fake.c tests/unit/control_ask.c core/hcall/decode_mgmt.c \
	domains/control/create.c domains/control/images.c $(sort $(wildcard lib/xl/*.c)) domains/console/serve.c \
	tests/unit/consctl_fake.c
unit_control_verbs_DEPS := domains/control/wire.h domains/control/msg.h domains/control/verbs.h \
	tests/unit/control_fake.h tests/unit/control_ask.h domains/console/serve.h tests/unit/consctl_fake.h
unit_control_verbs_CFLAGS := -Idomains/control -Idomains/console -Itests/unit -Ilib/xl
unit_control_verbs_LIBS := -lmbedcrypto
# xl create in the control domain (images.c, create.c, msg.c's upload,
# upload-data and create) against the model of the core and its build
# service (control_fake.c).
UNIT_TESTS += control_create
unit_control_create_SRCS := domains/control/wire.c domains/control/msg.c domains/control/verbs.c domains/control/verbs_device.c domains/control/devspec.c \
	tests/unit/control_fake.c tests/unit/control_ask.c core/hcall/decode_mgmt.c domains/control/create.c \
	domains/control/images.c $(sort $(wildcard lib/xl/*.c))
unit_control_create_DEPS := $(wildcard domains/control/*.h lib/xl/*.h) tests/unit/control_fake.h tests/unit/control_ask.h
unit_control_create_CFLAGS := -Idomains/control -Itests/unit -Ilib/xl
unit_control_create_LIBS := -lmbedcrypto
# The builder's record of the domains a dead instance held, and their
# return to the section's next instance (domains/builder/adopt.c).
UNIT_TESTS += builder_adopt
unit_builder_adopt_SRCS := domains/builder/adopt.c
unit_builder_adopt_DEPS := domains/builder/adopt.h
unit_builder_adopt_CFLAGS := -Idomains/builder
# The manifest's handover key (a domain given to a toolstack) and its
# cpus key in xl's CPU-list forms (lib/xl/xl_cpus.c).
UNIT_TESTS += manifest_handover
unit_manifest_handover_SRCS := domains/builder/manifest.c lib/xl/xl_cpus.c lib/xl/xl_list.c lib/xl/xl_disk.c \
	lib/xl/xl_vif.c tests/unit/manifest_caught.c
unit_manifest_handover_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h) tests/unit/manifest_caught.h
unit_manifest_handover_CFLAGS := -Idomains/builder -Ilib/xl
# How tools/mosaic shows answers (tools/mosaic/show.c), its CPU lists
# read back with lib/xl's parser; xl's memory sizes (lib/xl/xl_mem.c).
UNIT_TESTS += mosaic_show
unit_mosaic_show_SRCS := tools/mosaic/show.c lib/xl/xl_cpus.c lib/xl/xl_list.c lib/xl/xl_mem.c
unit_mosaic_show_DEPS := tools/mosaic/show.h lib/xl/xl_cpus.h lib/xl/xl_mem.h
unit_mosaic_show_CFLAGS := -Itools/mosaic -Ilib/xl
# The build service's request decoder (domains/builder/buildreq.c)
# against a reference of idl/build.idl's rules (tests/unit/buildreq_model.c).
UNIT_TESTS += buildreq
unit_buildreq_SRCS := domains/builder/buildreq.c domains/builder/manifest.c tests/unit/buildreq_model.c lib/xl/xl_cpus.c \
	lib/xl/xl_disk.c lib/xl/xl_vif.c lib/xl/xl_list.c
unit_buildreq_DEPS := $(wildcard domains/builder/*.h lib/xl/*.h) tests/unit/buildreq_model.h
unit_buildreq_CFLAGS := -Idomains/builder -Ilib/xl
# The console domain's answers on the console channel (domains/console/
# serve.c), with the model of the console domain both ends' tests share.
UNIT_TESTS += console_serve
unit_console_serve_SRCS := domains/console/serve.c tests/unit/consctl_fake.c
unit_console_serve_DEPS := domains/console/serve.h tests/unit/consctl_fake.h
unit_console_serve_CFLAGS := -Idomains/console -Itests/unit
