/* National Semiconductor PC16550D UART (the "16550A" of PC serial ports): eight
 * registers at base..base+7, 16-byte receive and transmit FIFOs, a baud rate
 * generator fed by the PC's 1.8432 MHz crystal, four prioritised interrupt
 * sources on one output.  On the PC that output reaches the ISA IRQ line
 * through a driver enabled by MCR OUT2 (COM1/COM3 on IRQ4, COM2/COM4 on IRQ3).
 *
 * The serial side is a character backend (system/chardev.h).  Characters take
 * one character time of virtual time to arrive in the receive shift register
 * and, when the guest transmits with interrupts, to leave the transmit shift
 * register, at the rate the guest programmed, so THRE/TEMT, trigger levels
 * and the character timeout behave as on the chip; polled output on an idle
 * line leaves at once (see ns16550-uart.c).  Input from the backend is flow-controlled: it is taken only while
 * the receiver has room, so nothing the host sends is lost; a backend that
 * ignores that (and loopback, which has no flow control) overruns the FIFO as
 * the line would.  Output the backend cannot take now stays in the transmit
 * shift register until it can (like a CTS-held line): the emulator never
 * blocks on a slow terminal or pipe. */
#ifndef HW_NS16550_UART_H
#define HW_NS16550_UART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hw/irq.h"
#include "hw/machine.h"
#include "system/chardev.h"

#define UART_XTAL_HZ 1843200u   /* the PC's UART crystal: divisor 1 = 115200 baud */
#define UART_FIFO_SIZE 16

/* Register offsets */
enum {
    UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
    UART_IER = 1, UART_DLM = 1,
    UART_IIR = 2, UART_FCR = 2,
    UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

/* Register bits */
#define UART_IER_RDA 0x01       /* received data available (and the timeout) */
#define UART_IER_THRE 0x02
#define UART_IER_RLS 0x04       /* receiver line status */
#define UART_IER_MS 0x08        /* modem status */

#define UART_IIR_NONE 0x01      /* no interrupt pending */
#define UART_IIR_RLS 0x06
#define UART_IIR_RDA 0x04
#define UART_IIR_TIMEOUT 0x0c
#define UART_IIR_THRE 0x02
#define UART_IIR_MS 0x00
#define UART_IIR_FIFO 0xc0      /* FIFOs enabled */

#define UART_FCR_ENABLE 0x01
#define UART_FCR_RX_RESET 0x02
#define UART_FCR_TX_RESET 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIGGER 0xc0

#define UART_LCR_WLS 0x03       /* word length - 5 */
#define UART_LCR_STB 0x04       /* 2 stop bits (1.5 with 5-bit words) */
#define UART_LCR_PEN 0x08       /* parity enable */
#define UART_LCR_BREAK 0x40
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_FIFO_ERR 0x80
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

typedef struct Uart {
    Machine *m;
    Chardev *chr;           /* NULL: nothing attached (the line is idle) */
    IrqLine irq;            /* INTRPT gated by MCR OUT2 (the PC's IRQ driver) */
    char name[16];
    uint16_t base;
    Timer tx_timer;         /* the character in the TSR has been sent */
    Timer rx_timer;         /* the character in the RSR has arrived */
    Timer timeout_timer;    /* four character times without FIFO activity */

    /* Registers */
    uint8_t ier, lcr, mcr, scr;
    uint8_t fcr;            /* FIFO enable, DMA mode, trigger (bits 1, 2 self-clear) */
    uint16_t divisor;
    uint8_t lsr_errors;     /* OE/PE/FE/BI as the guest sees them (LSR bits 1-4) */
    uint8_t fifo_error;     /* LSR bit 7: an error in the RX FIFO not yet reported */
    uint8_t msr;            /* bits 4-7 the inputs, 0-3 the deltas */
    uint8_t modem_in;       /* CTS/DSR/RI/DCD from the backend (MSR bit positions) */
    uint8_t rbr;            /* last character read (RBR holds it while empty) */

    /* Receiver: the FIFO (one entry deep in 16450 mode) with each character's
     * PE/FE/BI bits, and the shift register receiving the next one. */
    uint8_t rx_fifo[UART_FIFO_SIZE];
    uint8_t rx_err[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
    uint8_t rsr, rsr_err, rsr_busy;

    /* Transmitter: the FIFO (THR in 16450 mode) and the shift register. */
    uint8_t tx_fifo[UART_FIFO_SIZE];
    uint8_t tx_head, tx_count;
    uint8_t tsr, tsr_busy;

    /* Interrupt sources that are events rather than states */
    uint8_t thre_pending;   /* THR emptied (cleared by IIR read or THR write) */
    uint8_t timeout_pending;
    uint8_t irq_level;
} Uart;

/* Creates a UART at ports base..base+7 with chr as its serial line (NULL for
 * none; the UART owns chr and closes it) and registers it as device `name`.
 * Returns NULL after printing one line if the backend cannot be attached. */
Uart *uart_create(Machine *m, uint16_t base, const char *name, Chardev *chr);
void uart_reset(void *opaque);
/* The backend's modem inputs (UART_MSR_CTS|DSR|RI|DCD); changes set the
 * delta bits.  Backends start with CTS, DSR and DCD asserted. */
void uart_set_modem_inputs(Uart *u, uint8_t bits);
/* A character arriving on the line right now, bypassing flow control (what a
 * backend that ignores can_receive does): overruns a full receiver. */
void uart_receive_now(Uart *u, uint8_t byte);
/* A break condition on the line (one zero character with BI and FE). */
void uart_receive_break(Uart *u);
/* Nanoseconds one character takes with the current LCR and divisor. */
uint64_t uart_char_ns(const Uart *u);
/* Monitor `info serial`. */
void uart_info(Uart *u, FILE *f);

#endif
