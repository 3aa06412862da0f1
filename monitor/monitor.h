/* The human monitor console: QEMU-style commands (`help` lists them) on the
 * terminal (-monitor stdio, or Ctrl-A c on a serial stdio terminal) and on
 * unix sockets (-monitor unix:PATH,server[,nowait]).  It runs from the main
 * loop's descriptor polling: the guest keeps running while it waits. */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

typedef struct Machine Machine;
typedef struct Monitor Monitor;

/* The machine's monitor; also joins the stdio terminal's Ctrl-A mux when a
 * device reads the terminal (call after the board is created). */
Monitor *monitor_create(Machine *m);
/* Adds a -monitor SPEC: "stdio", "unix:PATH,server[,nowait]", "none".
 * Returns 0, or -1 after printing one line. */
int monitor_open(Monitor *mon, const char *spec);
/* Closes the sessions, removes the socket files. */
void monitor_destroy(Monitor *mon);

#endif
