# SPDX-License-Identifier: MIT
# Host tools for the operator, built with the host compiler into
# $(OUT)/tools/: `mosaic` (tools/mosaic/README.md), linked with Debian's
# libmbedtls (build/deps.sh installs libmbedtls-dev). It shares the
# control protocol's framing and key file with the control domain
# (domains/control/wire.c, key.c) and xl's syntax with lib/xl (CPU lists
# for vcpu-pin, whole config files for create), compiled here for the host.

MOSAIC_TOOL   := $(OUT)/tools/mosaic
MOSAIC_SRCS   := $(sort $(wildcard tools/mosaic/*.c)) domains/control/wire.c domains/control/key.c domains/control/devspec.c \
	$(sort $(wildcard lib/xl/*.c))
MOSAIC_OBJS   := $(patsubst %,$(OUT)/tools/obj/%.o,$(MOSAIC_SRCS))
MOSAIC_CFLAGS := -std=c11 -O2 -g $(WARN_FLAGS) -D_DEFAULT_SOURCE -Itools/mosaic -Idomains/control -Ilib/xl \
	$(IDL_INCLUDE) -MMD -MP
MOSAIC_LIBS   := -lmbedtls -lmbedx509 -lmbedcrypto

tools: $(MOSAIC_TOOL)
all: tools

$(OUT)/tools/obj/%.c.o: %.c | $(IDL_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(CC) $(MOSAIC_CFLAGS) -c $< -o $@

$(MOSAIC_TOOL): $(MOSAIC_OBJS)
	@echo "  HOSTLD  $@"
	@$(CC) -o $@ $^ $(MOSAIC_LIBS)

-include $(MOSAIC_OBJS:.o=.d)
.PHONY: tools
