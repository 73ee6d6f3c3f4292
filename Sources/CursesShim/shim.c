#include "curses_shim.h"
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

WINDOW *tui_stdscr(void) { return stdscr; }
int tui_colors(void) { return COLORS; }
int tui_color_pairs(void) { return COLOR_PAIRS; }
void tui_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
attr_t tui_a_bold(void) { return A_BOLD; }
attr_t tui_a_underline(void) { return A_UNDERLINE; }
attr_t tui_a_reverse(void) { return A_REVERSE; }
attr_t tui_a_dim(void) { return A_DIM; }
attr_t tui_a_italic(void) { return A_ITALIC; }
mmask_t tui_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
mmask_t tui_button1_pressed(void) { return BUTTON1_PRESSED; }
mmask_t tui_button1_released(void) { return BUTTON1_RELEASED; }
mmask_t tui_button1_clicked(void) { return BUTTON1_CLICKED; }
mmask_t tui_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }
mmask_t tui_button4_pressed(void) { return BUTTON4_PRESSED; }
mmask_t tui_button5_pressed(void) { return BUTTON5_PRESSED; }
int tui_key_f(int n) { return KEY_F(n); }

int tui_setcchar(cchar_t *c, const wchar_t *wch, attr_t attrs, int pair) {
    return setcchar(c, wch, attrs, (short)(pair > 32767 ? 0 : pair), &pair);
}

int tui_setlocale_utf8(void) {
    setlocale(LC_ALL, "");
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) setlocale(LC_ALL, "C.UTF-8");
    return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

static struct sigaction old_actions[NSIG];
static void restore_and_reraise(int sig) {
    endwin();
    sigaction(sig, &old_actions[sig], NULL);
    raise(sig);
}

void tui_install_signal_handlers(void) {
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = restore_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaction(sigs[i], &sa, &old_actions[sigs[i]]);
    /* A parent may have left signals blocked (the mask is inherited): without SIGWINCH there is
       no resize, without SIGTERM no clean exit. Unblock what the UI relies on. */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGWINCH);
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) sigaddset(&wanted, sigs[i]);
    sigprocmask(SIG_UNBLOCK, &wanted, NULL);
}

int tui_has_rgb(void) {
    int rgb = tigetflag("RGB");
    return rgb > 0 || COLORS >= 0x1000000;
}

void tui_write_raw(const char *bytes, int length) {
    ssize_t off = 0;
    while (off < length) {
        ssize_t n = write(STDOUT_FILENO, bytes + off, (size_t)(length - off));
        if (n <= 0) break;
        off += n;
    }
}
