# SPDX-License-Identifier: MIT
# Compiler flags for the core (freestanding kernel) and for host programs.
# Every optional flag is feature-tested against $(CC), so GCC and Clang get
# the same strict set wherever both support it.

CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
LD      := ld
OBJCOPY := objcopy
PYTHON  := python3

# cc-option FLAG: FLAG if $(CC) accepts it, else nothing.
cc-option = $(shell $(CC) -Werror $(1) -c -x c /dev/null -o /dev/null >/dev/null 2>&1 && echo $(1))

WARN_FLAGS := -Wall -Wextra -Werror -Wshadow -Wconversion -Wcast-align \
              -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
              -Wmissing-declarations -Wundef -Wvla

CC_INCLUDE := $(shell $(CC) -print-file-name=include)

# DEBUG=1: an unoptimised core that logs at debug level by default.
ifeq ($(DEBUG),1)
CORE_OPT := -O0 -DCORE_DEBUG=1
else
CORE_OPT := -O2 -DCORE_DEBUG=0
endif

CORE_CFLAGS := -std=c11 $(CORE_OPT) -g $(WARN_FLAGS) \
               -ffreestanding -fno-builtin -nostdinc -isystem $(CC_INCLUDE) \
               -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
               -mno-sse -mno-mmx -mno-sse2 -mno-avx \
               -fno-stack-protector -fno-omit-frame-pointer -fno-common \
               -fno-asynchronous-unwind-tables \
               $(call cc-option,-fno-jump-tables) \
               $(call cc-option,-fno-tree-loop-distribute-patterns) \
               $(call cc-option,-mno-80387) \
               -Icore/include -MMD -MP
CORE_ASFLAGS := -D__ASSEMBLY__ -Icore/include -MMD -MP -fno-pic -fno-pie
CORE_LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-relax

# Host unit tests: the same warnings, under the sanitizers.
HOST_CFLAGS := -std=c11 -g -O1 $(WARN_FLAGS) -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
