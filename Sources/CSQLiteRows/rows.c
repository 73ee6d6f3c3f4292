#include "sqlite_rows.h"
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

const char *const strata_rows_pointer_type = "strata_rows";

/* Column STRATA_ROWS_MAX_WIDTH is the hidden argument column "data". The table itself holds
 * nothing (a plain sqlite3_vtab); a cursor holds the rows and where it is in them. */

/* sqlite3_malloc'ed and zeroed, as SQLite expects its vtab and cursor structs. */
static void *zeroed(size_t size) {
    void *p = sqlite3_malloc((int)size);
    if (p) memset(p, 0, size);
    return p;
}

typedef struct {
    sqlite3_vtab_cursor base;
    const strata_rows *rows;
    int64_t row;
} rows_cursor;

static int rows_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                        sqlite3_vtab **out, char **err) {
    (void)aux; (void)argc; (void)argv; (void)err;
    char sql[512] = "CREATE TABLE x(";
    for (int i = 0; i < STRATA_ROWS_MAX_WIDTH; i++) {
        char col[16];
        snprintf(col, sizeof col, "c%d, ", i);
        strcat(sql, col);
    }
    strcat(sql, "data HIDDEN)");
    int rc = sqlite3_declare_vtab(db, sql);
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab *v = zeroed(sizeof *v);
    if (!v) return SQLITE_NOMEM;
    *out = v;
    return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *v) {
    sqlite3_free(v);
    return SQLITE_OK;
}

/* Only usable as strata_rows(?): the argument must be given, with equality. A plan that
 * cannot supply it yet (an unusable constraint) is refused, so SQLite picks another. */
static int rows_best_index(sqlite3_vtab *v, sqlite3_index_info *info) {
    (void)v;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn == STRATA_ROWS_MAX_WIDTH && c->op == SQLITE_INDEX_CONSTRAINT_EQ && c->usable) {
            info->aConstraintUsage[i].argvIndex = 1;
            info->aConstraintUsage[i].omit = 1;
            info->estimatedCost = 1000;
            info->estimatedRows = 1000;
            return SQLITE_OK;
        }
    }
    return SQLITE_CONSTRAINT;
}

static int rows_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out) {
    (void)v;
    rows_cursor *c = zeroed(sizeof *c);
    if (!c) return SQLITE_NOMEM;
    *out = &c->base;
    return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c) {
    sqlite3_free(c);
    return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv) {
    (void)idxNum; (void)idxStr;
    rows_cursor *c = (rows_cursor *)cur;
    c->rows = argc > 0 ? sqlite3_value_pointer(argv[0], strata_rows_pointer_type) : NULL;
    c->row = 0;
    return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *cur) {
    ((rows_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *cur) {
    rows_cursor *c = (rows_cursor *)cur;
    return c->rows == NULL || c->row >= c->rows->count;
}

static int rows_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i) {
    rows_cursor *c = (rows_cursor *)cur;
    if (i >= c->rows->width) {
        sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    const int64_t *span = c->rows->spans + 2 * (c->row * c->rows->width + i);
    if (span[0] == -2) {
        sqlite3_result_int64(ctx, span[1]);
    } else if (span[0] < 0) {
        sqlite3_result_null(ctx);
    } else {
        /* SQLITE_STATIC: the caller keeps the bytes alive until the statement is reset. */
        sqlite3_result_text64(ctx, (const char *)c->rows->bytes + span[0], (sqlite3_uint64)span[1], SQLITE_STATIC, SQLITE_UTF8);
    }
    return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *out) {
    *out = ((rows_cursor *)cur)->row;
    return SQLITE_OK;
}

static sqlite3_module rows_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: used as a function, never created */
    .xConnect = rows_connect,
    .xBestIndex = rows_best_index,
    .xDisconnect = rows_disconnect,
    .xDestroy = rows_disconnect,
    .xOpen = rows_open,
    .xClose = rows_close,
    .xFilter = rows_filter,
    .xNext = rows_next,
    .xEof = rows_eof,
    .xColumn = rows_column,
    .xRowid = rows_rowid,
};

int strata_rows_register(void *db) {
    return sqlite3_create_module_v2((sqlite3 *)db, "strata_rows", &rows_module, NULL, NULL);
}
