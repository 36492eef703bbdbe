# SPDX-License-Identifier: MIT
# Boot-module fixtures for scenarios: a valid PVH image, the same image
# cut short, the same without its PVH note or with its entry in a segment
# that is not executable, and a file that is not ELF at all.

IMG := $(OUT)/tests/images
TINY_VARIANTS := oob triple io spin block fxrstor hcall
test-images: $(IMG)/tiny_pvh.elf $(IMG)/tiny_pvh_truncated.elf $(IMG)/not_elf.bin \
	$(patsubst %,$(IMG)/tiny_pvh_%.elf,$(TINY_VARIANTS)) $(IMG)/tiny_no_note.elf $(IMG)/tiny_noexec.elf \
	$(IMG)/two_vcpu.elf $(IMG)/hello.bzImage

# A domain that starts its second vCPU (tests/images/two_vcpu.S).
$(IMG)/two_vcpu.elf: tests/images/two_vcpu.S tests/images/tiny_pvh.ld $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(CC) -c -fno-pic $(IDL_INCLUDE) -o $@.o $<
	@$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T tests/images/tiny_pvh.ld -o $@ $@.o

# tiny_pvh.elf, and tiny_pvh_<variant>.elf built with -DTINY_<VARIANT>
# (a pattern's % never matches an empty stem, so the plain image has its
# own rule).
define tiny_image
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(CC) -c -fno-pic $(IDL_INCLUDE) $(1) -o $@.o $<
	@$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T tests/images/tiny_pvh.ld -o $@ $@.o
endef

$(IMG)/tiny_pvh.elf: tests/images/tiny_pvh.S tests/images/tiny_pvh.ld $(IDL_HEADERS)
	$(call tiny_image,)

$(patsubst %,$(IMG)/tiny_pvh_%.elf,$(TINY_VARIANTS)): $(IMG)/tiny_pvh_%.elf: tests/images/tiny_pvh.S tests/images/tiny_pvh.ld $(IDL_HEADERS)
	$(call tiny_image,-DTINY_$(shell echo '$*' | tr a-z A-Z))

# Ends inside the data segment's file contents.
$(IMG)/tiny_pvh_truncated.elf: $(IMG)/tiny_pvh.elf
	@head -c $$(( $$(stat -c %s $<) / 2 )) $< > $@

# A valid ELF executable that is not a PVH image: the note section is
# dropped from the object before linking (its PT_NOTE segment stays, empty).
$(IMG)/tiny_no_note.elf: tests/images/tiny_pvh.S tests/images/tiny_pvh.ld $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(CC) -c -fno-pic $(IDL_INCLUDE) -o $@.o $<
	@$(OBJCOPY) --remove-section=.note.Xen $@.o
	@$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T tests/images/tiny_pvh.ld -o $@ $@.o

# The PVH entry lies in a loadable segment without PF_X: the linker script
# with the text segment's flags changed from R X (5) to R (4).
$(IMG)/tiny_noexec.elf: tests/images/tiny_pvh.S tests/images/tiny_pvh.ld $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(CC) -c -fno-pic $(IDL_INCLUDE) -o $@.o $<
	@sed 's/text PT_LOAD FLAGS(5)/text PT_LOAD FLAGS(4)/' tests/images/tiny_pvh.ld > $@.ld
	@grep -q 'text PT_LOAD FLAGS(4)' $@.ld
	@$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T $@.ld -o $@ $@.o

# The hello domain as a Linux-style bzImage with an xz payload.
$(IMG)/hello.bzImage: $(OUT)/domains/hello.elf tests/images/mkbzimage.py
	@mkdir -p $(dir $@)
	@echo "  IMAGE   $@"
	@$(PYTHON) tests/images/mkbzimage.py $< $@

$(IMG)/not_elf.bin: tests/images/rules.mk
	@mkdir -p $(dir $@)
	@printf 'this is a text file, not a domain image\n' > $@

.PHONY: test-images
