/* SPDX-License-Identifier: MIT */
/*
 * The user's serial port: a 16550 UART at the ports the builder gave this
 * domain (MGMT_IOPORT_PERMIT; the manifest's ioports key), driven by
 * polling. Its interrupt (COM2's IRQ 3) is not used: routing a device
 * interrupt to a domain as an event needs interrupt routing the core
 * does not have yet, so the console loop looks at the receiver at a
 * modest interval instead. Output waits for the transmitter a bounded
 * time and drops what it cannot send rather than stall every guest.
 */
#include "consoled.h"

#define UART_THR 0 /* transmit (write), receive (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define UART_DLL 0 /* with LCR's divisor latch bit */
#define UART_DLM 1
#define LSR_DR   0x01
#define LSR_THRE 0x20
#define TX_SPINS 100000 /* port reads waiting for the transmitter */

static uint16_t uart_base;
static bool uart_ok;

static inline void port_out(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t port_in(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

bool uart_init(uint16_t base)
{
    uart_base = base;
    /* The scratch register holds what is written when the port is there
     * and reachable; ports not given to us read as all ones. */
    port_out(base + UART_SCR, 0x5a);
    if (port_in(base + UART_SCR) != 0x5a)
        return false;
    port_out(base + UART_IER, 0x00); /* polled: no interrupts */
    port_out(base + UART_LCR, 0x80);
    port_out(base + UART_DLL, 0x01); /* 115200 baud */
    port_out(base + UART_DLM, 0x00);
    port_out(base + UART_LCR, 0x03); /* 8N1 */
    port_out(base + UART_FCR, 0xc7); /* FIFOs on, cleared */
    port_out(base + UART_MCR, 0x03); /* DTR, RTS */
    uart_ok = true;
    return true;
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; uart_ok && i < n; i++) {
        unsigned spins = 0;
        while (!(port_in(uart_base + UART_LSR) & LSR_THRE))
            if (++spins == TX_SPINS)
                return;
        port_out(uart_base + UART_THR, (uint8_t)s[i]);
    }
}

int uart_read(void)
{
    if (!uart_ok || !(port_in(uart_base + UART_LSR) & LSR_DR))
        return -1;
    return port_in(uart_base + UART_THR);
}
