# SPDX-License-Identifier: MIT
# The XenStore library, built three ways:
#   $(OUT)/xenstore/libxenstore.a   for domains (newlib, DOMAIN_CFLAGS), part of `make all`
#   $(OUT)/tests/unit/xenstore_test the host unit test (sanitizers), part of test-build
#   the fuzz target                 tests/fuzz/rules.mk (FUZZ_ALL has xenstore)
# The library may use ISO C only: its host objects are built without
# _POSIX_C_SOURCE, so a POSIX call does not compile. Every global symbol
# starts with xs_ (STYLE 15) and every header compiles on its own (STYLE 14).

XENSTORE_SRCS    := $(sort $(wildcard xenstore/*.c))
XENSTORE_HDRS    := $(sort $(wildcard xenstore/*.h xenstore/include/xenstore/*.h))
XENSTORE_INCLUDE := -Ixenstore/include $(IDL_INCLUDE)
XENSTORE_LIB     := $(OUT)/xenstore/libxenstore.a
XENSTORE_OBJS    := $(patsubst %.c,$(OUT)/%.o,$(XENSTORE_SRCS))
XENSTORE_HOST_OBJS := $(patsubst xenstore/%.c,$(OUT)/xenstore/host/%.o,$(XENSTORE_SRCS))
XENSTORE_TEST    := $(OUT)/tests/unit/xenstore_test
XENSTORE_TEST_SRCS := $(sort $(wildcard tests/unit/xenstore_*.c))

all: $(XENSTORE_LIB) xenstore-headers
test-build: $(XENSTORE_TEST) xenstore-headers

$(OUT)/xenstore/%.o: xenstore/%.c $(NEWLIB_STAMP) | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(DOMAIN_CFLAGS) -Ixenstore/include -c $< -o $@

$(XENSTORE_LIB): $(XENSTORE_OBJS)
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $^
	@nm -g --defined-only $@ | awk 'NF == 3 && index($$3, "xs_") != 1 { \
		print "xenstore: global " $$3 " does not start with xs_" > "/dev/stderr"; bad = 1 } \
		END { exit bad }' || { rm -f $@; exit 1; }

$(OUT)/xenstore/host/%.o: xenstore/%.c | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(HOST_CFLAGS) $(XENSTORE_INCLUDE) -c $< -o $@

$(XENSTORE_TEST): $(XENSTORE_TEST_SRCS) $(XENSTORE_HOST_OBJS) tests/unit/harness.c $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include \
		-Itests/unit $(XENSTORE_INCLUDE) -o $@ $(XENSTORE_TEST_SRCS) tests/unit/harness.c $(XENSTORE_HOST_OBJS)

XENSTORE_HDR_STAMPS := $(patsubst %,$(OUT)/hdrcheck/%.ok,$(XENSTORE_HDRS))
xenstore-headers: $(XENSTORE_HDR_STAMPS)
$(OUT)/hdrcheck/xenstore/%.h.ok: xenstore/%.h | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo '#include "$(notdir $<)"' | $(CC) -std=c11 $(WARN_FLAGS) $(XENSTORE_INCLUDE) -I$(dir $<) -x c -c - -o /dev/null
	@touch $@

-include $(XENSTORE_OBJS:.o=.d) $(XENSTORE_HOST_OBJS:.o=.d)
.PHONY: xenstore-headers
