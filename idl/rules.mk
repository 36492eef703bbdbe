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
IDL_HEADERS := $(patsubst idl/%.idl,$(OUT)/include/idl/%.h,$(IDL_SRCS))
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
		-DIDL_CC='"$(CC)"' -o $@ tests/idl/idl_test.c tests/unit/harness.c

test-build: $(IDL_TEST) $(IDLGEN_SAN) $(IDL_HEADERS)

.PHONY: idl
