# SPDX-License-Identifier: MIT
# Host unit tests: one binary per subsystem, built with the host compiler
# under the sanitizers (tests/unit/rules.mk lists them and their sources).

include tests/unit/rules.mk

# Tests of core/lib and core/boot pieces not listed by tests/unit/rules.mk.
UNIT_TESTS += fmt cmdline cap
unit_fmt_SRCS := core/lib/fmt.c
unit_cmdline_SRCS := core/boot/cmdline.c
unit_cap_SRCS := core/cap/cap.c
# The domains' byte rings (the console and XenStore pages): runtime code
# with no hypercalls, so it builds on the host as it is.
UNIT_TESTS += bytering
unit_bytering_SRCS := domains/runtime/bytering.c
unit_bytering_CFLAGS := -Idomains/runtime/include

UNIT_BINS := $(patsubst %,$(OUT)/tests/unit/%_test,$(UNIT_TESTS))
UNIT_COMMON := tests/unit/harness.c

test-build: $(UNIT_BINS) test-images

define unit_rule
$(OUT)/tests/unit/$(1)_test: tests/unit/$(1)_test.c $$(unit_$(1)_SRCS) $(UNIT_COMMON) $$(wildcard tests/unit/*.h) \
		$(IDL_HEADERS) $$(unit_$(1)_DEPS)
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	@$(CC) $(HOST_CFLAGS) -D_POSIX_C_SOURCE=200809L -Itests/unit/include -Icore/include -Itests/unit $(IDL_INCLUDE) \
		$$(unit_$(1)_CFLAGS) -o $$@ tests/unit/$(1)_test.c $$(unit_$(1)_SRCS) $(UNIT_COMMON) $$(unit_$(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

include tests/images/rules.mk
include tests/fuzz/rules.mk
