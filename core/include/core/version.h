/* SPDX-License-Identifier: MIT */
/*
 * Release and ABI versions. MOSAIC_ABI_VERSION covers the management
 * interface; every change to it is recorded in docs/ABI-CHANGES.md.
 */
#pragma once

#define MOSAIC_VERSION     "0.1.0"
#define MOSAIC_ABI_VERSION 7
