#define _XOPEN_SOURCE 700
#include "text_width.h"
#include <locale.h>
#include <pthread.h>

static locale_t utf8_locale;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_locale(void) {
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

int strata_wcwidth(unsigned int scalar) {
    pthread_once(&once, init_locale);
    if (utf8_locale == (locale_t)0) return 1;   /* no C.UTF-8 locale: assume one column */
    locale_t old = uselocale(utf8_locale);
    int w = wcwidth((wchar_t)scalar);
    uselocale(old);
    return w;
}
