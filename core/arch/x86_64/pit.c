/* SPDX-License-Identifier: MIT */
/*
 * The 8254 PIT as a known clock for calibration: channel 2 counts down
 * once in mode 0 with its gate held high, and port 0x61 bit 5 shows its
 * output going high at terminal count. Used at boot only, by one CPU.
 */
#include "arch_priv.h"
#include "x86.h"

#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_CMD     0x43
#define PORT_B      0x61
#define PORTB_GATE2 0x01
#define PORTB_SPKR  0x02
#define PORTB_OUT2  0x20

/* LAPIC current-count register, read by lapic.c's calibration hook. */
uint32_t lapic_timer_current(void);

uint64_t pit_wait_us(uint32_t us, uint32_t *lapic_ticks)
{
    uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000u);
    uint64_t t0, t1;
    uint32_t l0, l1;

    if (count > 0xffff)
        count = 0xffff;
    outb(PORT_B, (uint8_t)((inb(PORT_B) & ~PORTB_SPKR) | PORTB_GATE2));
    outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0, binary */
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    t0 = rdtsc();
    l0 = lapic_timer_current();
    while (!(inb(PORT_B) & PORTB_OUT2))
        cpu_relax();
    t1 = rdtsc();
    l1 = lapic_timer_current();
    if (lapic_ticks)
        *lapic_ticks = l0 - l1; /* the LAPIC counts down */
    return t1 - t0;
}
