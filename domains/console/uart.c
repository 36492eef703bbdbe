/* SPDX-License-Identifier: MIT */
/*
 * The user's serial port: a 16550 UART at the ports the builder gave this
 * domain (MGMT_IOPORT_PERMIT; the manifest's ioports key), driven by
 * polling. Its interrupt (COM2's IRQ 3) is not used: routing a device
 * interrupt to a domain as an event needs interrupt routing the core
 * does not have yet, so the console loop looks at the receiver at a
 * modest interval instead. Output goes through a queue that the loop
 * drains whenever the transmitter is free (a FIFO's worth at a time), so
 * a slow terminal never stalls the guests: when the queue is full, what
 * does not fit is dropped and counted (every byte is in the domain's log).
 */
#include "consoled.h"

#define UART_THR   0 /* transmit (write), receive (read) */
#define UART_IER   1
#define UART_FCR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define UART_SCR   7
#define UART_DLL   0 /* with LCR's divisor latch bit */
#define UART_DLM   1
#define LSR_DR     0x01
#define LSR_THRE   0x20
#define FIFO_BYTES 16     /* the 16550's transmit FIFO */
#define TX_QUEUE   65536u /* bytes waiting for the transmitter */
#define TX_BUDGET  8192u  /* bytes one uart_flush moves at most */

static uint16_t uart_base;
static bool uart_ok;
static char tx_queue[TX_QUEUE];
static uint64_t tx_head, tx_tail, tx_dropped; /* tx_queue[head..tail) waits */

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
    size_t room = TX_QUEUE - (size_t)(tx_tail - tx_head), take = n < room ? n : room;

    if (!uart_ok)
        return;
    for (size_t i = 0; i < take; i++)
        tx_queue[(tx_tail + i) % TX_QUEUE] = s[i];
    tx_tail += take;
    tx_dropped += n - take;
    (void)uart_flush();
}

bool uart_flush(void)
{
    unsigned budget = TX_BUDGET;

    /* THRE: the FIFO is empty, so a FIFO's worth may go at once. */
    while (uart_ok && tx_head != tx_tail && budget && (port_in(uart_base + UART_LSR) & LSR_THRE))
        for (unsigned k = 0; k < FIFO_BYTES && tx_head != tx_tail; k++, budget--)
            port_out(uart_base + UART_THR, (uint8_t)tx_queue[tx_head++ % TX_QUEUE]);
    return uart_ok && tx_head != tx_tail;
}

uint64_t uart_dropped(void)
{
    return tx_dropped;
}

int uart_read(void)
{
    if (!uart_ok || !(port_in(uart_base + UART_LSR) & LSR_DR))
        return -1;
    return port_in(uart_base + UART_THR);
}
