# SPDX-License-Identifier: MIT
# The IDL generator (a host program) and the C headers it writes from
# idl/*.idl into $(OUT)/include/idl/. Users add $(IDL_INCLUDE) to their
# flags, include "idl/<name>.h", and list $(IDL_HEADERS) as an order-only
# prerequisite of their objects (their -MMD files track the headers after
# the first build). Language reference: idl/README.md.

IDLGEN        := $(OUT)/idl/idlgen
IDLGEN_SRCS   := $(sort $(wildcard idl/gen/*.c))
IDLGEN_HDRS   := $(sort $(wildcard idl/gen/*.h))
IDLGEN_CFLAGS := -std=c11 -O2 $(WARN_FLAGS)

IDL_SRCS    := $(sort $(wildcard idl/*.idl))
# The C headers, and for .S files the assembler's: only the numbers
# (idlgen --asm), as "idl/asm/<name>.h".
IDL_HEADERS := $(patsubst idl/%.idl,$(OUT)/include/idl/%.h,$(IDL_SRCS)) \
	$(patsubst idl/%.idl,$(OUT)/include/idl/asm/%.h,$(IDL_SRCS))
IDL_INCLUDE := -I$(OUT)/include

idl: $(IDL_HEADERS)

$(IDLGEN): $(IDLGEN_SRCS) $(IDLGEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(IDLGEN_CFLAGS) -o $@ $(IDLGEN_SRCS)

# idlgen writes through a temporary file: a failed run leaves no header.
$(OUT)/include/idl/%.h: idl/%.idl $(IDLGEN)
	@mkdir -p $(dir $@)
	@echo "  IDL     $<"
	@$(IDLGEN) $< $@

$(OUT)/include/idl/asm/%.h: idl/%.idl $(IDLGEN)
	@mkdir -p $(dir $@)
	@echo "  IDL     $< (asm)"
	@$(IDLGEN) --asm $< $@

# A header is also rebuilt when a file its IDL imports changes ("import NAME;"
# lines, read here as FILE:NAME pairs).
IDL_IMPORT_PAIRS := $(shell grep -H '^import' $(IDL_SRCS) /dev/null | \
	sed -n 's/^\([^:]*\):import[[:space:]]*\([A-Za-z0-9_]*\).*/\1:\2/p')
$(foreach p,$(IDL_IMPORT_PAIRS),$(eval \
	$(patsubst idl/%.idl,$(OUT)/include/idl/%.h,$(word 1,$(subst :, ,$(p)))) \
	$(patsubst idl/%.idl,$(OUT)/include/idl/asm/%.h,$(word 1,$(subst :, ,$(p)))): idl/$(word 2,$(subst :, ,$(p))).idl))

# The test runs a second build of the generator, under the sanitizers, on
# tests/idl/*.idl, and compiles what it writes (tests/idl/idl_test.c).
IDLGEN_SAN := $(OUT)/tests/idl/idlgen
IDL_TEST   := $(OUT)/tests/unit/idl_test

$(IDLGEN_SAN): $(IDLGEN_SRCS) $(IDLGEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -o $@ $(IDLGEN_SRCS)

$(IDL_TEST): tests/idl/idl_test.c tests/unit/harness.c $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include \
		-Itests/unit -DIDL_TOP='"$(CURDIR)"' -DIDLGEN='"$(IDLGEN_SAN)"' -DIDL_BUILT='"$(OUT)/include/idl"' \
		-DIDL_CC='"$(CC)"' -DIDL_CORE_CFLAGS='"$(filter-out -MMD -MP,$(CORE_CFLAGS))"' \
		-DIDL_WARN_FLAGS='"$(WARN_FLAGS)"' -o $@ tests/idl/idl_test.c tests/unit/harness.c

# Host tests of the generated headers, run by `make test` like every
# $(OUT)/tests/unit/*_test. ring_test drives the ring helpers; xen_abi_test
# compares the Xen protocols with Xen's own headers (libxen-dev, installed
# by build/deps.sh; without them it does not build, and `make test` fails).
RING_TEST     := $(OUT)/tests/unit/ring_test
XEN_ABI_TEST  := $(OUT)/tests/unit/xen_abi_test
IDL_UNIT_FLAGS = $(filter-out -MMD -MP,$(HOST_CFLAGS)) -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include \
	-Itests/unit $(IDL_INCLUDE)

$(RING_TEST): tests/unit/ring_test.c tests/unit/harness.c $(wildcard tests/unit/*.h) $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(IDL_UNIT_FLAGS) -pthread -o $@ tests/unit/ring_test.c tests/unit/harness.c

$(XEN_ABI_TEST): tests/unit/xen_abi_test.c tests/idl/xen_abi_xen.c tests/idl/xen_abi_list.h tests/unit/harness.c \
		$(wildcard tests/unit/*.h) $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(IDL_UNIT_FLAGS) -Itests/idl \
		-D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__ -o $@ \
		tests/unit/xen_abi_test.c tests/idl/xen_abi_xen.c tests/unit/harness.c

test-build: $(IDL_TEST) $(IDLGEN_SAN) $(IDL_HEADERS) $(RING_TEST) $(XEN_ABI_TEST)

.PHONY: idl
