# SPDX-License-Identifier: MIT
# Service and test domains: newlib (built once per compiler into a cache
# outside the tree by build/newlib.sh), the runtime every domain links
# ($(OUT)/domains/runtime/libruntime.a) and one ELF image per domain
# ($(OUT)/domains/<name>.elf). `make domains` builds them all.

# A domain is a folder of .c/.S files with a main(); list it here.
DOMAINS := hello builder mgtest hcbench ipctest xenstored xstest pvhtest lapictest pcitest

# The block back end's adversarial tests: a hostile blkif front end
# (tests/boot/blk_hostile.scn).
DOMAINS += blkhostile

# The network back end's adversarial tests: a hostile netif front end
# (tests/boot/net_hostile.scn).
DOMAINS += nethostile

# The console domain and its test client (tests/boot/console.scn).
DOMAINS += console contest

# The build service's test client (tests/boot/build_service.scn): it
# builds domains through the builder's ring (idl/build.idl), with the
# client library it shares with the control domain (BUILDCLIENT_LIB below).
DOMAINS += buildtest

# The block driver domain (domains/blkdrv/README.md): blkback over the
# drivers' virtio-blk: drivers/rules.mk's DRIVERS_LIB, named by its path
# here because the Makefile reads drivers/rules.mk after this file.
DOMAINS += blkdrv
blkdrv_LIBS := $(OUT)/drivers/libdrivers.a
$(OUT)/domains/blkdrv/%.c.o $(OUT)/hdrcheck/domains/blkdrv/%.h.ok: DOMAIN_CFLAGS += -Idrivers/include

# The network driver domain (domains/netdrv): netback, the switch and
# the host stack over the drivers' virtio-net; the host stack is lwIP
# (LWIP_NETDRV below).
DOMAINS += netdrv
netdrv_LIBS := $(OUT)/drivers/libdrivers.a
$(OUT)/domains/netdrv/%.c.o $(OUT)/hdrcheck/domains/netdrv/%.h.ok: DOMAIN_CFLAGS += -Idrivers/include

# The drivers' virtio-blk on a real device (tests/boot/vblktest.scn); it
# links drivers/rules.mk's DRIVERS_LIB, named by its path here because the
# Makefile reads drivers/rules.mk after this file.
DOMAINS += vblktest
vblktest_LIBS := $(OUT)/drivers/libdrivers.a
$(OUT)/domains/vblktest/%.c.o $(OUT)/hdrcheck/domains/vblktest/%.h.ok: DOMAIN_CFLAGS += -Idrivers/include

# The DMA attacker and its victim (tests/boot/dma_isolation.scn): the
# attacker drives its virtio-blk function through the same library.
DOMAINS += dmatest
dmatest_LIBS := $(OUT)/drivers/libdrivers.a
$(OUT)/domains/dmatest/%.c.o $(OUT)/hdrcheck/domains/dmatest/%.h.ok: DOMAIN_CFLAGS += -Idrivers/include

# The control domain (domains/control/README.md): its libraries below,
# after newlib's (lwIP with altcp_tls over mbed TLS).
DOMAINS += control

# A guest that waits, then powers off on its own (tests/boot/control_verbs.scn).
DOMAINS += linger

NEWLIB_PREFIX := $(shell build/newlib.sh --prefix $(CC))
NEWLIB        := $(NEWLIB_PREFIX)/x86_64-elf
NEWLIB_STAMP  := $(NEWLIB_PREFIX)/.complete

# newlib is compiled with SSE, so domains are too (no -mno-sse, unlike the
# core); the entry code enables it. newlib's headers come before the
# compiler's, which still supply stddef.h, stdarg.h and friends; its POSIX
# and BSD declarations (sbrk, strdup, M_PI) are visible (_DEFAULT_SOURCE).
DOMAIN_CFLAGS := -std=c11 -O2 -g $(WARN_FLAGS) -D_DEFAULT_SOURCE \
                 -ffreestanding -fno-pic -fno-pie -mno-red-zone -fno-stack-protector \
                 -fno-common -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
                 -nostdinc -isystem $(NEWLIB)/include -isystem $(CC_INCLUDE) \
                 -Idomains/runtime/include -Ixenstore/include $(IDL_INCLUDE) -MMD -MP
DOMAIN_ASFLAGS := -D__ASSEMBLY__ -fno-pic -fno-pie -MMD -MP
DOMAIN_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack -u pvh_start
DOMAIN_LDS     := domains/runtime/domain.ld
# No libgcc: nothing in newlib or the runtime calls its helpers on x86_64,
# and the link fails loudly if that ever changes. The newlib archives are
# brought up to date through $(NEWLIB_STAMP), written after them.
DOMAIN_LIBS    := $(OUT)/domains/runtime/libruntime.a $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a

# The build service's client (domains/buildclient): the connection to the
# builder and the grants of a request, linked by control and buildtest.
BUILDCLIENT_SRCS := $(sort $(wildcard domains/buildclient/*.c))
BUILDCLIENT_LIB  := $(OUT)/domains/buildclient/libbuildclient.a
buildtest_LIBS   += $(BUILDCLIENT_LIB)
control_LIBS     += $(BUILDCLIENT_LIB)
$(OUT)/domains/buildtest/%.c.o $(OUT)/hdrcheck/domains/buildtest/%.h.ok: DOMAIN_CFLAGS += -Idomains/buildclient
$(OUT)/domains/control/%.c.o $(OUT)/hdrcheck/domains/control/%.h.ok: DOMAIN_CFLAGS += -Idomains/buildclient -Ilib/xl
control_LIBS     += $(OUT)/lib/xl/libxlparse.a
$(BUILDCLIENT_LIB): $(patsubst %,$(OUT)/%.o,$(BUILDCLIENT_SRCS))
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $^

RUNTIME_SRCS := $(sort $(wildcard domains/runtime/*.c domains/runtime/*.S))
RUNTIME_OBJS := $(patsubst %,$(OUT)/%.o,$(RUNTIME_SRCS))
RUNTIME_LIB  := $(OUT)/domains/runtime/libruntime.a
DOMAIN_HDRS  := $(sort $(shell find domains/runtime domains/buildclient $(addprefix domains/,$(DOMAINS)) -name '*.h'))
DOMAIN_ELFS  := $(patsubst %,$(OUT)/domains/%.elf,$(DOMAINS))

domains: $(RUNTIME_LIB) $(DOMAIN_ELFS) domain-headers

$(NEWLIB_STAMP):
	@build/newlib.sh $(CC)

# newlib's headers are system headers to -MMD, so the stamp stands for
# them: a newlib built after an object (a new configuration, hence a new
# prefix) rebuilds it, a cached one older than the object does not.
$(OUT)/domains/%.c.o: domains/%.c $(NEWLIB_STAMP) | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(DOMAIN_CFLAGS) -I$(dir $<) -c $< -o $@

$(OUT)/domains/%.S.o: domains/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(DOMAIN_ASFLAGS) -I$(dir $<) -c $< -o $@

# Module boundaries (STYLE 15): a global symbol of runtime/NAME.c starts
# with NAME's first word and "_", or is a name newlib or the PVH ABI fixes.
RUNTIME_FIXED_NAMES := pvh_start _exit close fstat getpid gettimeofday isatty kill lseek read sbrk sleep usleep write \
	$(addprefix __retarget_lock_,init init_recursive close close_recursive acquire acquire_recursive \
		try_acquire try_acquire_recursive release release_recursive) \
	$(addprefix __lock___,sinit_recursive_mutex sfp_recursive_mutex atexit_recursive_mutex at_quick_exit_mutex \
		malloc_recursive_mutex env_recursive_mutex tz_mutex dd_hash_mutex arc4random_mutex)

$(RUNTIME_LIB): $(RUNTIME_OBJS)
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $^
	@nm -g --defined-only $@ | awk -v fixed=" $(RUNTIME_FIXED_NAMES) " ' \
		/\.o:$$/ { split($$1, w, "[._]"); prefix = w[1] "_" } \
		NF == 3 && index($$3, prefix) != 1 && index(fixed, " " $$3 " ") == 0 { \
			print "runtime: global " $$3 " does not start with " prefix > "/dev/stderr"; bad = 1 } \
		END { exit bad }' || { rm -f $@; exit 1; }

# Libraries a domain links besides the runtime and newlib: NAME_LIBS.
xenstored_LIBS := $(OUT)/xenstore/libxenstore.a

# liblzma's .xz decoder (build/liblzma.sh, cached like newlib): the builder
# decompresses Linux's bzImage payload with it, and nothing else links it.
LIBLZMA_PREFIX := $(shell build/liblzma.sh --prefix $(CC))
LIBLZMA_STAMP  := $(LIBLZMA_PREFIX)/.complete
builder_LIBS   := $(LIBLZMA_PREFIX)/lib/liblzma.a
$(LIBLZMA_STAMP): $(NEWLIB_STAMP) build/liblzma.sh build/liblzma/config.h
	@build/liblzma.sh $(CC)
$(LIBLZMA_PREFIX)/lib/liblzma.a: $(LIBLZMA_STAMP)
$(OUT)/domains/builder/%.c.o: DOMAIN_CFLAGS += -isystem $(LIBLZMA_PREFIX)/include
$(OUT)/domains/builder/image_xz.c.o: $(LIBLZMA_STAMP)

# xl's disk and vif syntax (lib/xl, its rules.mk's XL_LIB, named by its path
# here because the Makefile reads lib/xl/rules.mk after this file).
builder_LIBS += $(OUT)/lib/xl/libxlparse.a
$(OUT)/domains/builder/%.c.o $(OUT)/hdrcheck/domains/builder/%.h.ok: DOMAIN_CFLAGS += -Ilib/xl

# lwIP (build/lwip.sh, cached like newlib), built with a domain's own
# lwipopts.h over the shared port in domains/lwip-port: netdrv's host
# stack (ipstack.c) links it. The prefix hashes the port's headers and
# lwipopts.h, so changing them names a new library, built on demand.
LWIP_NETDRV := $(shell build/lwip.sh --prefix $(CC) domains/netdrv/lwipopts.h)
$(LWIP_NETDRV)/.complete: $(NEWLIB_STAMP)
	@build/lwip.sh $(CC) domains/netdrv/lwipopts.h
$(LWIP_NETDRV)/lib/liblwip.a: $(LWIP_NETDRV)/.complete
netdrv_LIBS += $(LWIP_NETDRV)/lib/liblwip.a
$(OUT)/domains/netdrv/%.c.o $(OUT)/hdrcheck/domains/netdrv/%.h.ok: DOMAIN_CFLAGS += -isystem $(LWIP_NETDRV)/include
$(OUT)/domains/netdrv/ipstack.c.o: $(LWIP_NETDRV)/.complete domains/netdrv/lwipopts.h
$(patsubst %,$(OUT)/hdrcheck/%.ok,$(filter domains/netdrv/%,$(DOMAIN_HDRS))): $(LWIP_NETDRV)/.complete

# The control domain (domains/control/README.md): the operator's TLS
# endpoint on a management NIC of its own: lwIP with its altcp_tls glue
# (build/lwip.sh --tls) over mbed TLS (build/mbedtls.sh, cached like
# newlib, with domains/mbedtls-port/mbedtls_config.h), and the drivers'
# virtio-net (drivers/rules.mk's DRIVERS_LIB, named by its path).
MBEDTLS_PREFIX := $(shell build/mbedtls.sh --prefix $(CC))
LWIP_CONTROL   := $(shell build/lwip.sh --prefix --tls $(MBEDTLS_PREFIX) $(CC) domains/control/lwipopts.h)
$(MBEDTLS_PREFIX)/.complete: $(NEWLIB_STAMP)
	@build/mbedtls.sh $(CC)
$(MBEDTLS_PREFIX)/lib/libmbedtls.a: $(MBEDTLS_PREFIX)/.complete
$(LWIP_CONTROL)/.complete: $(NEWLIB_STAMP) $(MBEDTLS_PREFIX)/.complete
	@build/lwip.sh --tls $(MBEDTLS_PREFIX) $(CC) domains/control/lwipopts.h
$(LWIP_CONTROL)/lib/liblwip.a: $(LWIP_CONTROL)/.complete
control_LIBS += $(OUT)/drivers/libdrivers.a $(LWIP_CONTROL)/lib/liblwip.a $(MBEDTLS_PREFIX)/lib/libmbedtls.a
$(OUT)/domains/control/%.c.o $(OUT)/hdrcheck/domains/control/%.h.ok: DOMAIN_CFLAGS += -Idrivers/include \
	-isystem $(LWIP_CONTROL)/include -isystem $(MBEDTLS_PREFIX)/include
# The objects follow lwipopts.h itself too: edited back to options whose
# library is cached, it names an older library, which alone would not
# relink the domain.
$(patsubst %,$(OUT)/%.o,$(wildcard domains/control/*.c)): $(LWIP_CONTROL)/.complete domains/control/lwipopts.h
$(patsubst %,$(OUT)/hdrcheck/%.ok,$(filter domains/control/%,$(DOMAIN_HDRS))): $(LWIP_CONTROL)/.complete

# domain_rule NAME: $(OUT)/domains/NAME.elf from domains/NAME/*.{c,S}.
define domain_rule
$(1)_OBJS := $$(patsubst %,$(OUT)/%.o,$$(sort $$(wildcard domains/$(1)/*.c domains/$(1)/*.S)))
$(OUT)/domains/$(1).elf: $$($(1)_OBJS) $$($(1)_LIBS) $(RUNTIME_LIB) $(NEWLIB_STAMP) $(DOMAIN_LDS)
	@echo "  LD      $$@"
	@$(LD) $(DOMAIN_LDFLAGS) -T $(DOMAIN_LDS) -o $$@ $$($(1)_OBJS) --start-group $$($(1)_LIBS) $(DOMAIN_LIBS) --end-group
	@size $$@ | awk 'NR==2 {printf "  SIZE    $(1): text %d B, data %d B, bss %d B\n", $$$$1, $$$$2, $$$$3}'
-include $$($(1)_OBJS:.o=.d)
endef
$(foreach d,$(DOMAINS),$(eval $(call domain_rule,$(d))))

# Every header compiles on its own (STYLE 14); private ones with their folder.
DOMAIN_HDR_STAMPS := $(patsubst %,$(OUT)/hdrcheck/%.ok,$(DOMAIN_HDRS))
domain-headers: $(DOMAIN_HDR_STAMPS)
$(OUT)/hdrcheck/domains/%.h.ok: domains/%.h | $(NEWLIB_STAMP) $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo '#include "$(notdir $<)"' | $(CC) $(filter-out -MMD -MP,$(DOMAIN_CFLAGS)) -I$(dir $<) -x c -c - -o /dev/null
	@touch $@

-include $(RUNTIME_OBJS:.o=.d)
.PHONY: domains domain-headers
