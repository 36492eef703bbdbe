# SPDX-License-Identifier: MIT
# Mosaic: the one entry point.
#   make            build the core and the boot ISO
#   make run        install what is missing, build, boot in QEMU: the terminal is the
#                   console domain's COM2 (Ctrl-A x3 switches domains, Ctrl-] x quits)
#   make test       install what is missing, build, run every test (T=PATTERN: a subset)
#   make bench      the benchmarks (BENCHMARKS.md), Linux on Mosaic against Linux alone among them
#   make guest      the Linux guest's kernel and initramfs (from Debian packages)
#   make CC=clang   the same with Clang
#   make DEBUG=1    an unoptimised core logging at debug level (own build/out/<cc>-debug)
# Non-recursive: each directory contributes a rules.mk fragment.

.DEFAULT_GOAL := all

include build/toolchain.mk
OUT := build/out/$(notdir $(firstword $(CC)))$(if $(filter 1,$(DEBUG)),-debug)
DEBUG_OUT := build/out/$(notdir $(firstword $(CC)))-debug

all: core iso domains
include idl/rules.mk
include core/rules.mk
include tests/rules.mk
include domains/rules.mk
include lib/xl/rules.mk
include drivers/rules.mk
include xenstore/rules.mk
include build/guest/rules.mk
include tools/rules.mk

ISO := $(OUT)/mosaic.iso
BOOT_CMDLINE ?=
# What `make run` boots: the builder, xenstored, the console domain and
# the domains of RUN_MANIFEST (each image a module named as in it).
RUN_MANIFEST ?= build/run.manifest
RUN_DOMAINS := builder xenstored console blkdrv netdrv control
RUN_GUEST := $(OUT)/guest/vmlinuz $(OUT)/guest/initrd.img
# The control domain's key: the user's management key (tools/mosaic/
# README.md), which `make run` makes with `mosaic keygen` when there is
# none; an ISO built without one boots a control domain that refuses to
# serve. An ISO that carries the key is made 0600: it holds a secret.
RUN_KEY ?= $(or $(MOSAIC_KEY),$(or $(XDG_CONFIG_HOME),$(HOME)/.config)/mosaic/key)
ISO_MODULES := $(foreach d,$(RUN_DOMAINS),$(OUT)/domains/$(d).elf::$(d).elf) \
	$(foreach f,$(RUN_GUEST),$(f)::$(notdir $(f))) $(RUN_MANIFEST)::manifest \
	$(if $(wildcard $(RUN_KEY)),$(RUN_KEY)::control.key)

# The ISO is rebuilt every time: its grub.cfg carries BOOT_CMDLINE.
iso: $(CORE_ELF) $(foreach d,$(RUN_DOMAINS),$(OUT)/domains/$(d).elf) $(RUN_GUEST) FORCE
	@build/mkiso.sh $(ISO) $(CORE_ELF) "$(BOOT_CMDLINE)" $(ISO_MODULES)
	@$(if $(wildcard $(RUN_KEY)),chmod 600 $(ISO),:)

deps:
	@build/deps.sh $(CC)

run: deps
	@$(MAKE) --no-print-directory tools
	@$(OUT)/tools/mosaic --key $(RUN_KEY) keygen
	@$(MAKE) --no-print-directory all guest
	@build/qemu.sh run $(ISO)

# Every scenario boots the release core and the debug core (STYLE 23).
test: deps
	@$(MAKE) --no-print-directory all guest test-build format-check xen-abi-check
	@$(MAKE) --no-print-directory DEBUG=1 core
	@$(PYTHON) tests/run.py --out $(OUT) --core =$(OUT)/core/mosaic.elf \
		--core debug=$(DEBUG_OUT)/core/mosaic.elf $(if $(T),--filter '$(T)')

bench: deps
	@$(MAKE) --no-print-directory all guest
	@$(PYTHON) tests/bench/boot.py --out $(OUT)
	@$(PYTHON) tests/bench/domains.py --out $(OUT)
	@$(PYTHON) tests/bench/many.py --out $(OUT)
	@$(PYTHON) tests/bench/ipc.py --out $(OUT)
	@$(PYTHON) tests/bench/xenstore.py --out $(OUT)
	@$(PYTHON) tests/bench/linux.py --out $(OUT)
	@$(PYTHON) tests/bench/blk.py --out $(OUT)
	@$(PYTHON) tests/bench/net.py --out $(OUT)
	@$(PYTHON) tests/bench/create.py --out $(OUT)

# Formatting is checked, not just suggested (.clang-format).
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find core tests -name '*.[ch]')
format-check:
	@clang-format --dry-run -Werror $(FORMAT_FILES) || \
		{ echo "format: run 'make format' and commit the result"; exit 1; }
	@echo "format: $(words $(FORMAT_FILES)) C files follow .clang-format"

# The Xen ABI is written once, in idl/: no hand-written copy elsewhere.
xen-abi-check:
	@build/check-xen-abi.sh --self-test
	@build/check-xen-abi.sh

format:
	@clang-format -i $(FORMAT_FILES)

clean:
	rm -rf $(OUT)

FORCE:
.PHONY: all core iso guest deps run test test-build bench clean format format-check xen-abi-check FORCE
