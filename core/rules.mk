# SPDX-License-Identifier: MIT
# The core: every .c and .S below core/ is linked into one multiboot2 ELF.

CORE_SRCS := $(sort $(shell find core -name '*.c' -o -name '*.S'))
CORE_OBJS := $(patsubst %,$(OUT)/%.o,$(CORE_SRCS))
CORE_ELF  := $(OUT)/core/mosaic.elf
CORE_HDRS := $(sort $(shell find core -name '*.h'))

core: $(CORE_ELF) core-headers

# Generated IDL headers (idl/rules.mk) exist before any core object builds.
$(OUT)/core/%.c.o: core/%.c | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CORE_CFLAGS) $(IDL_INCLUDE) -c $< -o $@

$(OUT)/core/%.S.o: core/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(CORE_ASFLAGS) -c $< -o $@

$(CORE_ELF): $(CORE_OBJS) core/linker.ld
	@echo "  LD      $@"
	@$(LD) $(CORE_LDFLAGS) -T core/linker.ld -o $@ $(CORE_OBJS)
	@build/check-core.sh $@ $(OUT)/core $(CORE_OBJS)
	@size $@ | awk -v lines="$$(cat $(CORE_SRCS) $(CORE_HDRS) | wc -l)" \
		'NR==2 {printf "  SIZE    core: text %d B, data %d B, bss %d B; %d lines of C and assembly in core/\n", $$1, $$2, $$3, lines}'

# Every header must compile on its own (STYLE 14).
CORE_HDR_STAMPS := $(patsubst %,$(OUT)/hdrcheck/%.ok,$(CORE_HDRS))
core-headers: $(CORE_HDR_STAMPS)
$(OUT)/hdrcheck/%.h.ok: %.h | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo '#include "$(patsubst core/include/%,%,$<)"' | $(CC) $(CORE_CFLAGS) $(IDL_INCLUDE) -I. -x c -c - -o /dev/null
	@touch $@

-include $(CORE_OBJS:.o=.d)
.PHONY: core-headers
