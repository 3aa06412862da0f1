/* National Semiconductor PC16550D UART.  Datasheet: PC16550D Universal
 * Asynchronous Receiver/Transmitter with FIFOs (TL/C/8652, June 1995).
 *
 * One model serves both modes: in 16450 (character) mode the FIFOs are one
 * entry deep (RBR and THR), in FIFO mode (FCR0 = 1) sixteen.  Nothing ticks:
 * the transmit shift register (TSR) arms a timer for the end of its
 * character, the receive shift register (RSR) one for the end of the
 * character arriving from the backend, and the RX FIFO one for the character
 * timeout (four character times without a character put in or taken out).
 *
 * Transmit pacing.  Interrupt-driven output (IER ETBEI set, or a character
 * queued behind one being sent) leaves one character time apart at the
 * programmed rate, so THRE/TEMT and the THRE interrupt come as on the chip.
 * A character written with ETBEI off into an idle transmitter (polled
 * output) goes to the line at once and THRE/TEMT stay set: the line exists
 * only in emulation, and firmware that waits for TEMT after every byte must
 * not be slowed down by it.  SeaBIOS's serial console depends on that: it
 * yields while TEMT is clear, and its timer tick then re-enters the console
 * and garbles the output (as it would on hardware at 115200 baud; QEMU's
 * UART never shows TEMT clear).
 *
 * Interrupts (datasheet Table IV), highest priority first:
 *   receiver line status (OE/PE/FE/BI in LSR)      cleared by reading LSR
 *   received data available (RBR full / FIFO at the trigger level) or the
 *     character timeout (FIFO mode)                 cleared by reading RBR
 *   THR empty (an event: set when THR/the TX FIFO empties, when IER ETBEI is
 *     turned on or FCR0 changes with it empty)     cleared by reading IIR when
 *                                                   it is the source, or writing THR
 *   modem status (MSR delta bits)                   cleared by reading MSR
 * INTRPT is high while an enabled source is pending; on the PC it reaches the
 * IRQ line only while MCR OUT2 is set (the driver on PC serial cards and the
 * gate in Super I/O chips).
 *
 * Not modelled: the DMA signals (RXRDY/TXRDY; FCR3 is stored), the parity
 * and framing of the data itself (the backend carries bytes; LCR only sets
 * the character time), the delayed THRE indication in FIFO mode when the
 * FIFO never held two bytes, and the bits of words shorter than 8 (the byte
 * goes to the backend as written). */
#include "hw/ns16550-uart.h"

#include <stdlib.h>
#include <string.h>

#include "system/log.h"

static const uint8_t trigger_levels[4] = { 1, 4, 8, 14 };

static bool fifo_mode(const Uart *u)
{
    return u->fcr & UART_FCR_ENABLE;
}

static unsigned fifo_depth(const Uart *u)
{
    return fifo_mode(u) ? UART_FIFO_SIZE : 1;
}

static uint64_t now_ns(Uart *u)
{
    return clock_ns(&u->m->clock);
}

uint64_t uart_char_ns(const Uart *u)
{
    /* Start bit, 5-8 data bits, parity, 1, 1.5 or 2 stop bits: counted in
     * half bits.  One bit is 16 cycles of the divided crystal. */
    unsigned halves = 2 * (1 + 5 + (u->lcr & UART_LCR_WLS)) + ((u->lcr & UART_LCR_PEN) ? 2 : 0);
    if (!(u->lcr & UART_LCR_STB))
        halves += 2;
    else
        halves += (u->lcr & UART_LCR_WLS) == 0 ? 3 : 4;
    uint64_t div = u->divisor ? u->divisor : 65536;   /* 0 counts as 2^16 */
    return (uint64_t)(((unsigned __int128)div * 16 * halves * 1000000000u + 2ull * UART_XTAL_HZ - 1) /
                      (2ull * UART_XTAL_HZ));
}

/* ---- interrupts ---- */

static bool rda_pending(const Uart *u)
{
    if (fifo_mode(u))
        return u->rx_count >= trigger_levels[u->fcr >> 6];
    return u->rx_count > 0;
}

/* The IIR interrupt identification (bits 3-0) of the highest pending source. */
static uint8_t pending_id(const Uart *u)
{
    if ((u->ier & UART_IER_RLS) && (u->lsr_errors & UART_LSR_ERRORS))
        return UART_IIR_RLS;
    if (u->ier & UART_IER_RDA) {
        if (rda_pending(u))
            return UART_IIR_RDA;
        if (u->timeout_pending)
            return UART_IIR_TIMEOUT;
    }
    if ((u->ier & UART_IER_THRE) && u->thre_pending)
        return UART_IIR_THRE;
    if ((u->ier & UART_IER_MS) && (u->msr & 0x0f))
        return UART_IIR_MS;
    return UART_IIR_NONE;
}

static void update_irq(Uart *u)
{
    uint8_t level = pending_id(u) != UART_IIR_NONE && (u->mcr & UART_MCR_OUT2);
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* ---- modem status ---- */

/* CTS/DSR/RI/DCD as the chip sees them: in loopback, RTS/DTR/OUT1/OUT2. */
static uint8_t modem_inputs(const Uart *u)
{
    if (!(u->mcr & UART_MCR_LOOP))
        return u->modem_in & 0xf0;
    return ((u->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0) | ((u->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
           ((u->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0) | ((u->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

static void modem_update(Uart *u)
{
    uint8_t old = u->msr & 0xf0, now = modem_inputs(u);
    uint8_t changed = old ^ now;
    uint8_t delta = 0;
    if (changed & UART_MSR_CTS)
        delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR)
        delta |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD)
        delta |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
        delta |= UART_MSR_TERI;     /* trailing edge: the RI input went inactive */
    u->msr = (uint8_t)((u->msr & 0x0f) | delta | now);
}

void uart_set_modem_inputs(Uart *u, uint8_t bits)
{
    u->modem_in = bits & 0xf0;
    modem_update(u);
    update_irq(u);
}

/* ---- receiver ---- */

static void timeout_restart(Uart *u)
{
    /* The timeout counts only in FIFO mode with a character in the FIFO;
     * once it has fired, only a read clears it and restarts the count. */
    if (fifo_mode(u) && u->rx_count && !u->timeout_pending)
        timer_mod(&u->timeout_timer, now_ns(u) + 4 * uart_char_ns(u));
    else
        timer_del(&u->timeout_timer);
}

static void timeout_cb(void *opaque)
{
    Uart *u = opaque;
    if (fifo_mode(u) && u->rx_count) {
        u->timeout_pending = 1;
        update_irq(u);
    }
}

/* Any error among the characters behind the top of the RX FIFO. */
static bool errors_behind_top(const Uart *u)
{
    for (unsigned i = 1; i < u->rx_count; i++)
        if (u->rx_err[(u->rx_head + i) % UART_FIFO_SIZE])
            return true;
    return false;
}

/* A complete character from the RSR (or from the TSR in loopback). */
static void rx_store(Uart *u, uint8_t byte, uint8_t err)
{
    if (u->rx_count >= fifo_depth(u)) {
        u->lsr_errors |= UART_LSR_OE;
        if (!fifo_mode(u)) {
            /* 16450 mode: the new character overwrites the unread RBR. */
            u->rx_fifo[u->rx_head] = byte;
            u->rx_err[u->rx_head] = err;
            u->lsr_errors |= err;
        }
        /* FIFO mode: the character in the shift register is lost. */
        return;
    }
    unsigned i = (u->rx_head + u->rx_count) % UART_FIFO_SIZE;
    u->rx_fifo[i] = byte;
    u->rx_err[i] = err;
    u->rx_count++;
    if (u->rx_count == 1)
        u->lsr_errors |= err;       /* errors show when the character is at the top */
    if (err && fifo_mode(u))
        u->fifo_error = 1;
    timeout_restart(u);
}

static void rx_timer_cb(void *opaque)
{
    Uart *u = opaque;
    if (!u->rsr_busy)
        return;
    u->rsr_busy = 0;
    rx_store(u, u->rsr, u->rsr_err);
    update_irq(u);
    chardev_accept_input(u->chr);
}

/* A character (or a break) starts arriving from the backend: it is in the
 * FIFO one character time later. */
static void rx_begin(Uart *u, uint8_t byte, uint8_t err)
{
    if (u->rsr_busy) {
        /* Only a backend ignoring can_receive sends faster than the line:
         * the character being received is complete now. */
        timer_del(&u->rx_timer);
        u->rsr_busy = 0;
        rx_store(u, u->rsr, u->rsr_err);
    }
    u->rsr = byte;
    u->rsr_err = err;
    u->rsr_busy = 1;
    timer_mod(&u->rx_timer, now_ns(u) + uart_char_ns(u));
}

static int uart_can_receive(void *opaque)
{
    Uart *u = opaque;
    if ((u->mcr & UART_MCR_LOOP) || u->rsr_busy)
        return 0;       /* SIN is disconnected in loopback */
    return u->rx_count < fifo_depth(u) ? 1 : 0;
}

static void uart_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Uart *u = opaque;
    for (size_t i = 0; i < len; i++)
        rx_begin(u, buf[i], 0);
}

static void uart_event(void *opaque, ChrEvent ev)
{
    Uart *u = opaque;
    if (ev == CHR_EVENT_BREAK && !(u->mcr & UART_MCR_LOOP))
        uart_receive_break(u);
}

void uart_receive_now(Uart *u, uint8_t byte)
{
    rx_store(u, byte, 0);
    update_irq(u);
}

void uart_receive_break(Uart *u)
{
    /* SIN held spacing for a character time: one zero character with BI,
     * and FE since its stop bit is spacing too. */
    rx_begin(u, 0, UART_LSR_BI | UART_LSR_FE);
}

static const ChrFrontend uart_frontend = { uart_can_receive, uart_receive, uart_event };

static uint8_t read_rbr(Uart *u)
{
    if (!u->rx_count)
        return u->rbr;      /* nothing new: the register keeps the last one */
    u->rbr = u->rx_fifo[u->rx_head];
    u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_SIZE);
    u->rx_count--;
    if (u->rx_count)
        u->lsr_errors |= u->rx_err[u->rx_head];
    u->timeout_pending = 0;
    timeout_restart(u);
    update_irq(u);
    chardev_accept_input(u->chr);
    return u->rbr;
}

static uint8_t read_lsr(Uart *u)
{
    uint8_t v = u->lsr_errors;
    if (u->rx_count)
        v |= UART_LSR_DR;
    if (!u->tx_count) {
        v |= UART_LSR_THRE;
        if (!u->tsr_busy)
            v |= UART_LSR_TEMT;
    }
    if (fifo_mode(u) && u->fifo_error)
        v |= UART_LSR_FIFO_ERR;
    u->lsr_errors = 0;
    u->fifo_error = errors_behind_top(u);
    update_irq(u);
    return v;
}

static void rx_fifo_clear(Uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->fifo_error = 0;
    u->timeout_pending = 0;
    timer_del(&u->timeout_timer);
}

/* ---- transmitter ---- */

/* The character leaving the TSR goes to the line: the backend, or in
 * loopback the receiver.  False if the backend cannot take it now. */
static bool tx_emit(Uart *u, uint8_t b)
{
    if (u->mcr & UART_MCR_LOOP) {
        rx_store(u, b, 0);          /* TSR output to RSR input: no flow control */
        return true;
    }
    return !u->chr || chardev_try_write(u->chr, b);
}

static uint64_t tx_retry_ns(const Uart *u)
{
    uint64_t d = uart_char_ns(u);
    return d < 1000000 ? d : 1000000;
}

/* Loads the TSR from THR / the TX FIFO if it is idle. */
static void tx_next(Uart *u)
{
    if (u->tsr_busy || !u->tx_count)
        return;
    u->tsr = u->tx_fifo[u->tx_head];
    u->tx_head = (uint8_t)((u->tx_head + 1) % UART_FIFO_SIZE);
    u->tx_count--;
    u->tsr_busy = 1;
    if (!u->tx_count)
        u->thre_pending = 1;
    timer_mod(&u->tx_timer, now_ns(u) + uart_char_ns(u));
}

static void tx_timer_cb(void *opaque)
{
    Uart *u = opaque;
    if (!u->tsr_busy)
        return;
    if (!tx_emit(u, u->tsr)) {
        /* The host side is full: the character waits, as behind a
         * deasserted CTS; look again after a character time (at most 1 ms). */
        timer_mod(&u->tx_timer, now_ns(u) + tx_retry_ns(u));
        return;
    }
    u->tsr_busy = 0;
    tx_next(u);
    update_irq(u);
}

static void write_thr(Uart *u, uint8_t v)
{
    if (u->tx_count >= fifo_depth(u)) {
        if (fifo_mode(u)) {
            guest_error("%s: write to a full transmit FIFO: 0x%02x dropped\n", u->name, v);
            return;
        }
        /* 16450 mode: THR is overwritten before it reached the TSR. */
        guest_error("%s: THR written while not empty: 0x%02x replaces 0x%02x\n", u->name, v,
                    u->tx_fifo[u->tx_head]);
        u->tx_fifo[u->tx_head] = v;
    } else {
        u->tx_fifo[(u->tx_head + u->tx_count) % UART_FIFO_SIZE] = v;
        u->tx_count++;
    }
    u->thre_pending = 0;
    if (!u->tsr_busy && u->tx_count == 1 && !(u->ier & UART_IER_THRE)) {
        /* Polled output on an idle line leaves at once (see the header). */
        uint8_t b = u->tx_fifo[u->tx_head];
        u->tx_head = (uint8_t)((u->tx_head + 1) % UART_FIFO_SIZE);
        u->tx_count = 0;
        u->thre_pending = 1;
        if (!tx_emit(u, b)) {
            u->tsr = b;
            u->tsr_busy = 1;
            timer_mod(&u->tx_timer, now_ns(u) + tx_retry_ns(u));
        }
    } else {
        tx_next(u);
    }
    update_irq(u);
}

/* ---- registers ---- */

static void write_fcr(Uart *u, uint8_t v)
{
    if ((v ^ u->fcr) & UART_FCR_ENABLE) {
        /* Changing modes clears both FIFOs; the first THRE interrupt after
         * it is immediate. */
        rx_fifo_clear(u);
        u->tx_head = u->tx_count = 0;
        u->thre_pending = 1;
        u->fcr = v & UART_FCR_ENABLE;
    }
    if (!(v & UART_FCR_ENABLE)) {
        /* FCR0 must be set for the other bits to be written. */
        if (v & ~UART_FCR_ENABLE)
            guest_error("%s: FCR 0x%02x without FIFO enable: other bits ignored\n", u->name, v);
    } else {
        if (v & UART_FCR_RX_RESET)
            rx_fifo_clear(u);       /* the shift register is not cleared */
        if ((v & UART_FCR_TX_RESET) && u->tx_count) {
            u->tx_head = u->tx_count = 0;
            u->thre_pending = 1;
        }
        u->fcr = v & (UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIGGER);
    }
    update_irq(u);
    chardev_accept_input(u->chr);
}

static void write_mcr(Uart *u, uint8_t v)
{
    if (v & 0xe0)
        guest_error("%s: MCR 0x%02x sets bits 7-5 (always 0)\n", u->name, v);
    uint8_t old = u->mcr;
    u->mcr = v & 0x1f;
    modem_update(u);
    update_irq(u);
    if ((old & UART_MCR_LOOP) && !(u->mcr & UART_MCR_LOOP))
        chardev_accept_input(u->chr);       /* SIN is connected again */
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
    Uart *u = opaque;
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (off) {
    case UART_RBR:
        return dlab ? (u->divisor & 0xff) : read_rbr(u);
    case UART_IER:
        return dlab ? (u->divisor >> 8) : u->ier;
    case UART_IIR: {
        uint8_t id = pending_id(u);
        if (id == UART_IIR_THRE) {
            u->thre_pending = 0;    /* reading IIR clears THRE when it is the source */
            update_irq(u);
        }
        return id | (fifo_mode(u) ? UART_IIR_FIFO : 0);
    }
    case UART_LCR:
        return u->lcr;
    case UART_MCR:
        return u->mcr;
    case UART_LSR:
        return read_lsr(u);
    case UART_MSR: {
        uint8_t v = u->msr;
        u->msr &= 0xf0;
        update_irq(u);
        return v;
    }
    default:
        return u->scr;
    }
}

static void uart_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    Uart *u = opaque;
    uint8_t v = (uint8_t)val;
    bool dlab = u->lcr & UART_LCR_DLAB;
    switch (off) {
    case UART_THR:
        if (dlab)
            u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
        else
            write_thr(u, v);
        break;
    case UART_IER:
        if (dlab) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | v << 8);
        } else {
            /* Turning ETBEI on with the transmitter holding register empty
             * raises the THRE interrupt at once. */
            if (!(u->ier & UART_IER_THRE) && (v & UART_IER_THRE) && !u->tx_count)
                u->thre_pending = 1;
            u->ier = v & 0x0f;      /* bits 7-4 are always 0 */
            update_irq(u);
        }
        break;
    case UART_FCR:
        write_fcr(u, v);
        break;
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR:
        write_mcr(u, v);
        break;
    case UART_LSR:
    case UART_MSR:
        guest_error("%s: write 0x%02x to read-only %s ignored\n", u->name, v,
                    off == UART_LSR ? "LSR" : "MSR");
        break;
    default:
        u->scr = v;
        break;
    }
}

static const MemOps uart_ops = { uart_read, uart_write, 1, 1 };

void uart_reset(void *opaque)
{
    Uart *u = opaque;
    /* Master reset (datasheet Table II): IER, FCR, LCR, MCR and the FIFOs
     * cleared, LSR = 0x60, MSR deltas cleared, INTRPT low.  The divisor
     * latch, SCR and RBR keep their contents; a character being shifted
     * in or out is abandoned. */
    u->ier = u->fcr = u->lcr = u->mcr = 0;
    u->lsr_errors = u->fifo_error = 0;
    u->rx_head = u->rx_count = 0;
    u->tx_head = u->tx_count = 0;
    u->rsr_busy = u->tsr_busy = 0;
    u->thre_pending = u->timeout_pending = 0;
    timer_del(&u->tx_timer);
    timer_del(&u->rx_timer);
    timer_del(&u->timeout_timer);
    u->msr = modem_inputs(u);
    u->irq_level = 0;
    irq_set(&u->irq, 0);
    chardev_accept_input(u->chr);
}

static int uart_post_load(void *opaque)
{
    Uart *u = opaque;
    if (u->rx_head >= UART_FIFO_SIZE || u->rx_count > UART_FIFO_SIZE || u->tx_head >= UART_FIFO_SIZE ||
        u->tx_count > UART_FIFO_SIZE || u->rsr_busy > 1 || u->tsr_busy > 1 || u->thre_pending > 1 ||
        u->timeout_pending > 1 || u->fifo_error > 1 || u->irq_level > 1 || u->ier > 0x0f ||
        u->mcr > 0x1f || (u->lsr_errors & ~UART_LSR_ERRORS) || (u->modem_in & 0x0f) ||
        (u->fcr & ~(UART_FCR_ENABLE | UART_FCR_DMA | UART_FCR_TRIGGER)))
        return -1;
    if (!fifo_mode(u) && (u->rx_count > 1 || u->tx_count > 1))
        return -1;
    for (int i = 0; i < UART_FIFO_SIZE; i++)
        if (u->rx_err[i] & ~(UART_LSR_PE | UART_LSR_FE | UART_LSR_BI))
            return -1;
    if (u->rsr_err & ~(UART_LSR_PE | UART_LSR_FE | UART_LSR_BI))
        return -1;
    irq_set(&u->irq, u->irq_level);     /* the line follows the loaded state */
    return 0;
}

static const StateField uart_fields[] = {
    STATE_UINT(Uart, ier),
    STATE_UINT(Uart, lcr),
    STATE_UINT(Uart, mcr),
    STATE_UINT(Uart, scr),
    STATE_UINT(Uart, fcr),
    STATE_UINT(Uart, divisor),
    STATE_UINT(Uart, lsr_errors),
    STATE_UINT(Uart, fifo_error),
    STATE_UINT(Uart, msr),
    STATE_UINT(Uart, modem_in),
    STATE_UINT(Uart, rbr),
    STATE_UINT_ARRAY(Uart, rx_fifo),
    STATE_UINT_ARRAY(Uart, rx_err),
    STATE_UINT(Uart, rx_head),
    STATE_UINT(Uart, rx_count),
    STATE_UINT(Uart, rsr),
    STATE_UINT(Uart, rsr_err),
    STATE_UINT(Uart, rsr_busy),
    STATE_UINT_ARRAY(Uart, tx_fifo),
    STATE_UINT(Uart, tx_head),
    STATE_UINT(Uart, tx_count),
    STATE_UINT(Uart, tsr),
    STATE_UINT(Uart, tsr_busy),
    STATE_UINT(Uart, thre_pending),
    STATE_UINT(Uart, timeout_pending),
    STATE_UINT(Uart, irq_level),
    STATE_TIMER(Uart, tx_timer),
    STATE_TIMER(Uart, rx_timer),
    STATE_TIMER(Uart, timeout_timer),
    STATE_END
};

static const StateDesc uart_state = { "ns16550", 1, uart_fields, uart_post_load };

static void uart_destroy(void *opaque)
{
    Uart *u = opaque;
    timer_del(&u->tx_timer);
    timer_del(&u->rx_timer);
    timer_del(&u->timeout_timer);
    chardev_close(u->chr);
    free(u);
}

Uart *uart_create(Machine *m, uint16_t base, const char *name, Chardev *chr)
{
    Uart *u = calloc(1, sizeof *u);
    if (!u)
        abort();
    u->m = m;
    u->base = base;
    snprintf(u->name, sizeof u->name, "%s", name);
    timer_init(&u->tx_timer, &m->clock, tx_timer_cb, u);
    timer_init(&u->rx_timer, &m->clock, rx_timer_cb, u);
    timer_init(&u->timeout_timer, &m->clock, timeout_cb, u);
    /* Power-up: the divisor latch is undefined until programmed; start at
     * 115200 baud so firmware that never sets it is not slowed down.  A
     * terminal on the other end asserts CTS, DSR and DCD. */
    u->divisor = 1;
    u->modem_in = UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    if (chr && chardev_attach(chr, m, &uart_frontend, u) < 0) {
        chardev_close(chr);
        free(u);
        return NULL;
    }
    u->chr = chr;
    io_map(&m->io, base, 8, &uart_ops, u, u->name);
    uart_reset(u);
    machine_add_device(m, u->name, &uart_state, u, uart_reset, uart_destroy);
    return u;
}

void uart_info(Uart *u, FILE *f)
{
    static const char parity[8] = { 'N', 'N', 'N', 'N', 'O', 'E', 'M', 'S' };
    uint64_t ct = uart_char_ns(u);
    fprintf(f, "%s: io 0x%03x, %u baud (divisor %u) %d%c%s, char %llu ns, %s mode%s\n", u->name,
            u->base, u->divisor ? UART_XTAL_HZ / 16 / u->divisor : UART_XTAL_HZ / 16 / 65536,
            u->divisor, 5 + (u->lcr & UART_LCR_WLS),
            parity[((u->lcr & UART_LCR_PEN) ? 4 : 0) | ((u->lcr >> 4) & 3)],
            (u->lcr & UART_LCR_STB) ? ((u->lcr & UART_LCR_WLS) ? "2" : "1.5") : "1",
            (unsigned long long)ct, fifo_mode(u) ? "FIFO" : "16450",
            (u->mcr & UART_MCR_LOOP) ? ", loopback" : "");
    fprintf(f, "  ier=%02x iir=%02x lcr=%02x mcr=%02x lsr-errors=%02x msr=%02x scr=%02x irq=%d\n",
            u->ier, pending_id(u) | (fifo_mode(u) ? UART_IIR_FIFO : 0), u->lcr, u->mcr, u->lsr_errors,
            u->msr, u->scr, u->irq_level);
    fprintf(f, "  rx: %u queued%s, trigger %u%s; tx: %u queued%s%s\n", u->rx_count,
            u->rsr_busy ? " + 1 arriving" : "", fifo_mode(u) ? trigger_levels[u->fcr >> 6] : 1,
            u->timeout_pending ? ", timeout" : "", u->tx_count, u->tsr_busy ? " + 1 sending" : "",
            u->thre_pending ? ", THRE pending" : "");
}
