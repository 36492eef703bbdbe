# SPDX-License-Identifier: MIT
# The drivers as a library for domains ($(OUT)/drivers/libdrivers.a: the
# PCI helpers, virtio-pci, the virtqueue, virtio-blk, virtio-net and the domain
# environment), compiled like the domains (domains/rules.mk's flags), and
# every drivers header compiled on its own. A domain that drives devices
# lists $(DRIVERS_LIB) in its NAME_LIBS and adds DRIVERS_INCLUDE to its
# objects' flags. The host builds the same sources, without
# domain_env.c, into the unit tests (tests/unit/rules.mk) and fuzz targets.

DRIVERS_INCLUDE := -Idrivers/include
DRIVERS_SRCS := $(sort $(wildcard drivers/*.c))
DRIVERS_OBJS := $(patsubst %,$(OUT)/%.o,$(DRIVERS_SRCS))
DRIVERS_LIB  := $(OUT)/drivers/libdrivers.a
DRIVERS_HDRS := $(sort $(wildcard drivers/include/drivers/*.h))
# The global symbols' prefixes (STYLE 15): one per file, plus the environment's.
DRIVERS_PREFIXES := pci_ dma_ drivers_ virtq_ virtio_pci_ vblk_ vnet_

drivers: $(DRIVERS_LIB) drivers-headers
domains: drivers

$(OUT)/drivers/%.c.o: drivers/%.c $(NEWLIB_STAMP) | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(DOMAIN_CFLAGS) $(DRIVERS_INCLUDE) -c $< -o $@

# No core header, ever (STYLE 14): the drivers see the core only through idl/.
$(DRIVERS_LIB): $(DRIVERS_OBJS)
	@echo "  AR      $@"
	@! grep -n '#include.*["<]core/' $(DRIVERS_SRCS) $(DRIVERS_HDRS) || \
		{ echo "drivers: the lines above include a core header" >&2; exit 1; }
	@rm -f $@
	@ar rcs $@ $^
	@nm -g --defined-only $@ | awk -v ok="$(DRIVERS_PREFIXES)" ' \
		BEGIN { n = split(ok, p, " ") } \
		NF == 3 { good = 0; for (i = 1; i <= n; i++) if (index($$3, p[i]) == 1) good = 1; \
			if (!good) { print "drivers: global " $$3 " has none of the prefixes " ok > "/dev/stderr"; bad = 1 } } \
		END { exit bad }' || { rm -f $@; exit 1; }

DRIVERS_HDR_STAMPS := $(patsubst %,$(OUT)/hdrcheck/%.ok,$(DRIVERS_HDRS))
drivers-headers: $(DRIVERS_HDR_STAMPS)
$(OUT)/hdrcheck/drivers/%.h.ok: drivers/%.h | $(NEWLIB_STAMP) $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo '#include "$(patsubst drivers/include/%,%,$<)"' | \
		$(CC) $(filter-out -MMD -MP,$(DOMAIN_CFLAGS)) $(DRIVERS_INCLUDE) -x c -c - -o /dev/null
	@touch $@

-include $(DRIVERS_OBJS:.o=.d)
.PHONY: drivers drivers-headers
