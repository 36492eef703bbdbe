/* SPDX-License-Identifier: MIT */
/*
 * The architecture part of a vCPU, opaque to generic code: storage that
 * the architecture lays out (core/svm/svm_vcpu.h asserts its state fits).
 * Generic code reaches it only through core/include/core/vcpu.h.
 */
#pragma once

#include "core/types.h"

#define VCPU_ARCH_SIZE 656

struct vcpu_arch {
    uint8_t opaque[VCPU_ARCH_SIZE] __attribute__((aligned(16)));
};
