/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the input is a control byte and a DMAR table (layout in
 * fuzz.h). dmar_parse gets an exact-size heap copy; the result is then
 * described into an exact-size buffer of the size the control byte picks,
 * which must hold a NUL-terminated prefix of the full description.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dmar.h"
#include "core/errno.h"
#include "fuzz.h"

FUZZ_ORACLE static void check_info(const struct dmar_info *d)
{
    FUZZ_CHECK(d->host_addr_width >= 32 && d->host_addr_width <= 64);
    FUZZ_CHECK(d->nunits >= 1 && d->nunits <= DMAR_MAX_UNITS);
    for (unsigned i = 0; i < d->nunits; i++)
        FUZZ_CHECK(d->units[i].base != 0 && IS_ALIGNED(d->units[i].base, PAGE_SIZE) &&
                   d->units[i].nendpoints <= DMAR_MAX_ENDPOINTS);
}

/* dmar_describe into n bytes agrees with the description into a large buffer. */
FUZZ_ORACLE static void check_describe(const struct dmar_info *d, size_t n)
{
    char full[1024];
    char *buf = malloc(n ? n : 1);
    int want = dmar_describe(d, full, sizeof(full));
    int got;

    FUZZ_CHECK(buf != NULL);
    FUZZ_CHECK(want >= 0 && (size_t)want == strlen(full));
    got = dmar_describe(d, n ? buf : NULL, n);
    if ((size_t)want < n) {
        FUZZ_CHECK(got == want && strcmp(buf, full) == 0);
    } else {
        FUZZ_CHECK(got == -ERR_NOSPC);
        if (n) {
            FUZZ_CHECK(memchr(buf, 0, n) != NULL && strlen(buf) == n - 1);
            FUZZ_CHECK(memcmp(buf, full, n - 1) == 0);
        }
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct dmar_info zero;
    static struct dmar_info info;
    uint8_t ctl = size ? data[0] : 0;
    size_t len = size ? size - 1 : 0;
    uint8_t *t = malloc(len ? len : 1);
    uint32_t hdr_len;
    int rc;

    FUZZ_CHECK(t != NULL);
    if (len)
        memcpy(t, data + 1, len);
    if ((ctl & FUZZ_DMAR_FIX_SUM) && len >= sizeof(struct acpi_table_header)) {
        memcpy(&hdr_len, t + 4, sizeof(hdr_len));
        if (hdr_len <= len) {
            t[offsetof(struct acpi_table_header, checksum)] = 0;
            t[offsetof(struct acpi_table_header, checksum)] = (uint8_t)-acpi_checksum(t, hdr_len);
        }
    }
    rc = dmar_parse(len ? t : NULL, len, &info);
    FUZZ_CHECK(rc == 0 || rc == -ERR_INVAL);
    if (rc == 0)
        check_info(&info);
    else
        FUZZ_CHECK(memcmp(&info, &zero, sizeof(info)) == 0);
    check_describe(&info, ctl >> 1);
    free(t);
    return 0;
}
