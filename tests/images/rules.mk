# SPDX-License-Identifier: MIT
# Boot-module fixtures for scenarios: a valid PVH image, the same image
# cut short, and a file that is not ELF at all.

IMG := $(OUT)/tests/images
TINY_VARIANTS := oob triple io
test-images: $(IMG)/tiny_pvh.elf $(IMG)/tiny_pvh_truncated.elf $(IMG)/not_elf.bin \
	$(patsubst %,$(IMG)/tiny_pvh_%.elf,$(TINY_VARIANTS))

# tiny_pvh.elf, and tiny_pvh_<variant>.elf built with -DTINY_<VARIANT>.
$(IMG)/tiny_pvh%.elf: tests/images/tiny_pvh.S tests/images/tiny_pvh.ld
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(CC) -c -fno-pic $(if $(*:_%=%),-DTINY_$(shell echo '$(*:_%=%)' | tr a-z A-Z)) -o $@.o $<
	@$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T tests/images/tiny_pvh.ld -o $@ $@.o

# Ends inside the data segment's file contents.
$(IMG)/tiny_pvh_truncated.elf: $(IMG)/tiny_pvh.elf
	@head -c $$(( $$(stat -c %s $<) / 2 )) $< > $@

$(IMG)/not_elf.bin: tests/images/rules.mk
	@mkdir -p $(dir $@)
	@printf 'this is a text file, not a domain image\n' > $@

.PHONY: test-images
