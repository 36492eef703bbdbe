# SPDX-License-Identifier: MIT
# lib/xl: xl's syntax (disks, vifs, string lists, whole domain config
# files), pure C shared by host tools and domains (lib/xl/README.md).
#   $(XL_LIB)   the modules compiled as domains are (DOMAIN_CFLAGS, newlib),
#               for a domain to list in its NAME_LIBS (the builder does,
#               named by its path in domains/rules.mk, read before this file)
#   $(XL_HOST_OBJS) the same for a host program (HOST_CFLAGS, ISO C only: no
#               _POSIX_C_SOURCE, so a POSIX call does not compile), built by
#               test-build; tests/unit/rules.mk and tests/fuzz/rules.mk
#               compile the sources into the unit tests and fuzz targets
# Every header compiles on its own, for a domain and for the host (STYLE
# 14); every global symbol starts with xl_ (STYLE 15).

XL_INCLUDE := -Ilib/xl
XL_SRCS := $(sort $(wildcard lib/xl/*.c))
XL_HDRS := $(sort $(wildcard lib/xl/*.h))
XL_OBJS := $(patsubst %,$(OUT)/%.o,$(XL_SRCS))
XL_LIB  := $(OUT)/lib/xl/libxlparse.a
XL_HOST_OBJS := $(patsubst lib/xl/%.c,$(OUT)/lib/xl/host/%.o,$(XL_SRCS))

all: $(XL_LIB) xl-headers
domains: $(XL_LIB) xl-headers
test-build: $(XL_HOST_OBJS)

$(OUT)/lib/xl/%.c.o: lib/xl/%.c $(NEWLIB_STAMP) | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(DOMAIN_CFLAGS) $(XL_INCLUDE) -c $< -o $@

$(XL_LIB): $(XL_OBJS)
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $^
	@nm -g --defined-only $@ | awk 'NF == 3 && index($$3, "xl_") != 1 { \
		print "lib/xl: global " $$3 " does not start with xl_" > "/dev/stderr"; bad = 1 } \
		END { exit bad }' || { rm -f $@; exit 1; }

$(OUT)/lib/xl/host/%.o: lib/xl/%.c | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(CC) $(HOST_CFLAGS) $(XL_INCLUDE) $(IDL_INCLUDE) -c $< -o $@

# Each header alone, once with the domains' flags and once with the host's.
XL_HDR_STAMPS := $(patsubst %,$(OUT)/hdrcheck/%.ok,$(XL_HDRS))
xl-headers: $(XL_HDR_STAMPS)
$(OUT)/hdrcheck/lib/xl/%.h.ok: lib/xl/%.h | $(NEWLIB_STAMP) $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo '#include "$(notdir $<)"' | $(CC) $(filter-out -MMD -MP,$(DOMAIN_CFLAGS)) $(XL_INCLUDE) -x c -c - -o /dev/null
	@echo '#include "$(notdir $<)"' | $(CC) -std=c11 $(WARN_FLAGS) $(XL_INCLUDE) $(IDL_INCLUDE) -x c -c - -o /dev/null
	@touch $@

-include $(XL_OBJS:.o=.d) $(XL_HOST_OBJS:.o=.d)
.PHONY: xl-headers
