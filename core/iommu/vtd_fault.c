/* SPDX-License-Identifier: MIT */
/*
 * VT-d fault reporting: the fault recording registers (VT-d 7.1.3) read
 * and cleared, one log line per fault naming the function and the domain
 * it is assigned to, at most FAULT_LINES a second. The fault event
 * interrupt stays masked: CPU 0 polls from its scheduler loop.
 */
#include "core/arch.h"
#include "core/domain.h"
#include "core/iommu.h"
#include "core/log.h"
#include "core/string.h"
#include "vtd_priv.h"

#define FAULT_LINES     10u
#define FAULT_WINDOW_NS 1000000000ull

/* Rate limit: CPU 0 only, so no lock. */
static uint64_t window_start;
static unsigned lines, dropped;

/* Non-recoverable fault reasons (VT-d App. A), the common ones. For an
 * unmapped page QEMU, like hardware, reports 5 or 6. */
static const char *fault_reason(uint8_t r)
{
    static const char *const names[] = {
        [0x1] = "root entry not present",
        [0x2] = "context entry not present (not assigned)",
        [0x3] = "invalid context entry",
        [0x4] = "address beyond the address width",
        [0x5] = "no write access: not mapped or read-only",
        [0x6] = "no read access: not mapped",
        [0x7] = "page-table entry unreadable",
        [0xa] = "root entry reserved bits set",
        [0xb] = "context entry reserved bits set",
        [0xc] = "page-table entry reserved bits set",
        [0xd] = "translation type blocked",
        [0x20] = "interrupt request reserved bits set",
        [0x21] = "interrupt index beyond the table",
        [0x22] = "remapping entry not present",
        [0x23] = "remapping table unreadable",
        [0x24] = "remapping entry reserved bits set",
        [0x25] = "compatibility-format interrupt blocked",
        [0x26] = "requester id not permitted",
    };

    return r < ARRAY_SIZE(names) && names[r] ? names[r] : "see VT-d appendix A";
}

static bool fault_may_log(void)
{
    uint64_t now = arch_time_ns();

    if (now - window_start >= FAULT_WINDOW_NS) {
        if (dropped)
            log_warn("iommu: %u more faults in the last second not shown", dropped);
        window_start = now;
        lines = dropped = 0;
    }
    if (lines < FAULT_LINES) {
        lines++;
        return true;
    }
    dropped++;
    return false;
}

static void fault_report(struct vtd_unit *u, uint64_t lo, uint64_t hi)
{
    uint16_t sid = VTD_FR_SID(hi);
    uint8_t reason = VTD_FR_REASON(hi);
    const struct vtd_context_entry *ce;
    const struct domain *d = NULL;
    char who[DOMAIN_NAME_MAX + 24] = "unassigned";
    uint64_t f;

    if (!fault_may_log())
        return;
    f = spin_lock_irqsave(&vtd_lock);
    ce = vtd_context(u, sid, false);
    if (ce && (ce->lo & VTD_ENTRY_P))
        d = domain_find((domid_t)VTD_CTX_DID_OF(ce->hi)); /* readable until this CPU's next quiescent point */
    spin_unlock_irqrestore(&vtd_lock, f);
    if (d)
        snprintf(who, sizeof(who), "d%u '%s'", d->id, d->name);
    if (reason >= VTD_FR_IR_FIRST)
        log_warn("iommu: interrupt fault: %04x:%02x:%02x.%u (%s) entry %u: reason 0x%x (%s)", u->du->segment, sid >> 8,
                 (sid >> 3) & 0x1f, sid & 7u, who, (unsigned)(lo >> 48), reason, fault_reason(reason));
    else
        log_warn("iommu: DMA fault: %04x:%02x:%02x.%u (%s) %s at 0x%llx: reason 0x%x (%s)", u->du->segment, sid >> 8,
                 (sid >> 3) & 0x1f, sid & 7u, who, hi & VTD_FR_READ ? "read" : "write",
                 (unsigned long long)(lo & VTD_ADDR_MASK), reason, fault_reason(reason));
}

void iommu_poll_faults(void)
{
    for (unsigned i = 0; i < vtd_nunits; i++) {
        struct vtd_unit *u = &vtd_units[i];
        uint32_t fsts = vtd_read32(u, VTD_FSTS);

        if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
            continue;
        for (unsigned n = 0; n <= VTD_CAP_NFR(u->cap); n++) {
            unsigned off = VTD_CAP_FRO(u->cap) * 16 + n * VTD_FRCD_SZ;
            uint64_t hi = vtd_read64(u, off + 8);

            if (!(hi & VTD_FR_F))
                continue;
            fault_report(u, vtd_read64(u, off), hi);
            vtd_write32(u, off + 12, (uint32_t)(VTD_FR_F >> 32)); /* F is write-1-to-clear */
        }
        if (fsts & VTD_FSTS_PFO)
            vtd_write32(u, VTD_FSTS, VTD_FSTS_PFO);
    }
}
