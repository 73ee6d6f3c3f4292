import GRDB

/// The catalog's schema, as an ordered list of migrations.
///
/// Opening a catalog applies the migrations it lacks (an older catalog is upgraded in place);
/// a catalog that has migrations this build does not know was written by a newer strata and is
/// refused rather than misread. Never edit a shipped migration: add a new one.
public enum CatalogSchema {
    /// Identifiers of every migration this build knows, oldest first.
    public static var migrationIDs: [String] { migrator.migrations }

    /// The newest migration: the schema version this build writes.
    public static var currentVersion: String { migrationIDs.last ?? "" }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core", migrate: createCore)
        migrator.registerMigration("v2-provenance", migrate: createProvenance)
        migrator.registerMigration("v3-search-prefixes", migrate: addSearchPrefixes)
        migrator.registerMigration("v4-kind-stage-index", migrate: addKindStageIndex)
        migrator.registerMigration("v5-navigator-indexes", migrate: addNavigatorIndexes)
        migrator.registerMigration("v6-import", migrate: addImport)
        migrator.registerMigration("v7-lineage", migrate: addLineageCache)
        migrator.registerMigration("v8-dbt-patch-path", migrate: addDbtPatchPath)
        migrator.registerMigration("v9-dbt-access-group-version", migrate: addDbtAccessGroupVersion)
        migrator.registerMigration("v10-dbt-config", migrate: addDbtConfig)
        migrator.registerMigration("v11-run-start-estimated", migrate: addRunStartEstimated)
        return migrator
    }()

    /// v1: entities of every kind, their kind-specific details, runs, lineage edges and search.
    private static func createCore(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

            -- One row per stage, tool, owner, table, dashboard, dag, task and term.
            -- `num` is the compact integer key used by the search index and the lineage arrays.
            CREATE TABLE entity (
                num INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                stage TEXT,
                owner TEXT,
                tool TEXT,
                description TEXT NOT NULL DEFAULT '',
                tags TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX entity_kind ON entity(kind, name);
            CREATE INDEX entity_owner ON entity(owner);
            CREATE INDEX entity_stage ON entity(stage);
            CREATE INDEX entity_tool ON entity(tool);

            CREATE TABLE stage (id TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL);
            CREATE TABLE tool (id TEXT PRIMARY KEY NOT NULL, used_for TEXT NOT NULL DEFAULT '',
                               docs_url TEXT);
            CREATE TABLE owner (
                id TEXT PRIMARY KEY NOT NULL,
                type TEXT NOT NULL CHECK (type IN ('team', 'person')),
                role TEXT, team TEXT, channel TEXT, email TEXT, oncall TEXT,
                ask_me_about TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX owner_team ON owner(team);
            CREATE TABLE data_table (id TEXT PRIMARY KEY NOT NULL, platform TEXT,
                                     materialization TEXT);
            CREATE TABLE table_column (
                table_id TEXT NOT NULL,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                type TEXT,
                description TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (table_id, position)
            );
            CREATE TABLE dashboard (id TEXT PRIMARY KEY NOT NULL, url TEXT);
            CREATE TABLE dag (id TEXT PRIMARY KEY NOT NULL, schedule TEXT);
            CREATE TABLE task (
                id TEXT PRIMARY KEY NOT NULL,
                dag_id TEXT NOT NULL,
                task_id TEXT NOT NULL,
                operator TEXT,
                trigger_rule TEXT NOT NULL DEFAULT 'all_success',
                retries INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX task_dag ON task(dag_id);
            CREATE TABLE term (id TEXT PRIMARY KEY NOT NULL, see_also TEXT NOT NULL DEFAULT '');

            -- DAG runs and the task instances inside them.
            CREATE TABLE dag_run (
                num INTEGER PRIMARY KEY,
                dag_id TEXT NOT NULL,
                run_id TEXT NOT NULL,
                state TEXT NOT NULL,
                start_time TEXT,
                end_time TEXT,
                UNIQUE (dag_id, run_id)
            );
            CREATE TABLE task_run (
                run_num INTEGER NOT NULL REFERENCES dag_run(num) ON DELETE CASCADE,
                task_id TEXT NOT NULL,
                state TEXT NOT NULL,
                tries INTEGER NOT NULL DEFAULT 1,
                start_time TEXT,
                end_time TEXT,
                PRIMARY KEY (run_num, task_id)
            );
            CREATE INDEX task_run_task ON task_run(task_id);
            -- One log file per attempt; `path` is relative to meta 'log_root' unless absolute.
            CREATE TABLE task_log (
                run_num INTEGER NOT NULL REFERENCES dag_run(num) ON DELETE CASCADE,
                task_id TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                path TEXT NOT NULL,
                PRIMARY KEY (run_num, task_id, attempt)
            );

            -- Lineage: table -> task (reads), task -> table (writes), task -> task (runs after),
            -- table -> table and table -> dashboard (declared). `source` says who asserted it.
            CREATE TABLE edge (
                from_id TEXT NOT NULL,
                to_id TEXT NOT NULL,
                source TEXT NOT NULL,
                PRIMARY KEY (from_id, to_id, source)
            ) WITHOUT ROWID;
            CREATE INDEX edge_to ON edge(to_id, from_id);

            -- Full-text search; rowid = entity.num. Column order sets the bm25 weights in Search.
            CREATE VIRTUAL TABLE search USING fts5(
                name, ident, tags, owner, columns, description,
                tokenize = 'unicode61 remove_diacritics 2',
                prefix = '1 2 3'
            );
            """)
    }

    /// v2: which importer and file each entity came from, so re-imports can update and remove
    /// only what their own source contributed.
    private static func createProvenance(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE entity_source (
                entity_id TEXT NOT NULL,
                importer TEXT NOT NULL,
                file TEXT NOT NULL,
                imported_at TEXT NOT NULL,
                PRIMARY KEY (entity_id, importer, file)
            );
            CREATE INDEX entity_source_importer ON entity_source(importer, file);
            """)
    }

    /// v3: the full-text index also indexes prefixes of 4 to 8 letters. FTS5 serves a prefix
    /// query (`orde*`) from a prefix index only of exactly that length; without one it merges
    /// the match lists of every word with that prefix before returning the first row, which
    /// took 30-80 ms for common words on a million-entity catalog. Recreated and refilled from
    /// the entities (an FTS5 table's prefix option cannot be altered). Lengths 4-8 measured on
    /// the 1M catalog: index data 711 -> 1,105 MB, index build 29 -> 48 s (1-6: 1,018 MB, 44 s);
    /// 8 letters covers the common words (customer, products, arriving) that 6 would not.
    private static func addSearchPrefixes(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE search;
            -- Full-text search; rowid = entity.num. Column order sets the bm25 weights in Search.
            CREATE VIRTUAL TABLE search USING fts5(
                name, ident, tags, owner, columns, description,
                tokenize = 'unicode61 remove_diacritics 2',
                prefix = '1 2 3 4 5 6 7 8'
            );
            """)
        try CatalogWriter.fillSearchIndex(db)
    }

    /// v4: the stack map counts tables and DAGs per stage on every start. Without an index on
    /// (kind, stage) that read every table row: 130 ms at 100,000 tables, most of the first frame.
    private static func addKindStageIndex(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX entity_kind_stage ON entity(kind, stage)")
    }

    /// v5: pages of the navigator and the owner page, kind by kind in name order. A stage or a
    /// team can hold most of a 100,000-table catalog; sorting it all per page took 20-45 ms.
    private static func addNavigatorIndexes(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX entity_stage_kind_name ON entity(stage, kind, name)")
        try db.execute(sql: "CREATE INDEX entity_owner_kind_name ON entity(owner, kind, name)")
    }

    /// The last dot-separated part of an entity id (`analytics.marts.fct_orders` → `fct_orders`),
    /// written with SQLite's own functions so an index can be built on it and the sqlite3 shell
    /// still reads the file: `rtrim` strips the trailing run of non-dot characters, leaving the
    /// prefix, whose length is where the last part starts.
    public static let idLeafSQL = "substr(id, length(rtrim(id, replace(id, '.', ''))) + 1)"

    /// v7: what the lineage engine needs to stay interactive on a million edges.
    /// - `lineage_cache` keeps the edge graph as compact integer arrays (entity nums, CSR), so a
    ///   process loads it in a few milliseconds instead of joining every edge to its entities.
    ///   Triggers empty it whenever an edge or an entity is added, removed or renumbered; the
    ///   next reader rebuilds it.
    /// - A bare selector name (`fct_orders`) resolves on the last part of ids, as dbt's fqn
    ///   lookup does on a node's name: `entity_leaf` indexes that part.
    private static func addLineageCache(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE lineage_cache (key TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL);
            CREATE TRIGGER lineage_cache_edge_insert AFTER INSERT ON edge BEGIN DELETE FROM lineage_cache; END;
            CREATE TRIGGER lineage_cache_edge_delete AFTER DELETE ON edge BEGIN DELETE FROM lineage_cache; END;
            CREATE TRIGGER lineage_cache_edge_update AFTER UPDATE ON edge BEGIN DELETE FROM lineage_cache; END;
            CREATE TRIGGER lineage_cache_entity_insert AFTER INSERT ON entity BEGIN DELETE FROM lineage_cache; END;
            CREATE TRIGGER lineage_cache_entity_delete AFTER DELETE ON entity BEGIN DELETE FROM lineage_cache; END;
            CREATE TRIGGER lineage_cache_entity_renumber AFTER UPDATE OF num, id ON entity
                BEGIN DELETE FROM lineage_cache; END;
            CREATE INDEX entity_leaf ON entity(\(idLeafSQL));
            """)
    }
}

extension CatalogSchema {
    /// v6: what the dbt, OpenLineage and Airflow importers bring in beyond the demo's shape.
    /// `dbt_node` and `column_edge` are read by lineage selectors; `data_table.relation` is the
    /// warehouse key (lower-cased database.schema.name) on which two sources' views of a table
    /// merge; `task_run.message` keeps dbt messages and OpenLineage errors; `data_check` holds
    /// data tests attached to their table; `import_fact` remembers what each input file
    /// contributed (with a digest) so a re-import can tell added, updated, unchanged and removed.
    /// v8: a dbt node's properties file (`patch_path`), which dbt's `path:` selector matches
    /// as well as the node's own file. Nodes imported before keep '' until their next import.
    static func addDbtPatchPath(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dbt_node ADD COLUMN patch_path TEXT NOT NULL DEFAULT ''")
    }

    /// v9: what dbt's `access:`, `group:` and `version:` selectors match: a model's access level,
    /// a node's group, a versioned model's version and its latest version ('' when not set).
    /// Nodes imported before keep '' until their next import.
    /// v10: a dbt node's whole config as JSON text, for dbt's `config.KEY:` selectors. Nodes
    /// already in the catalog are marked `?` (`CatalogSchema.importedBeforeConfig`): they lack
    /// their config, access, group and version until their manifest is imported again, and the
    /// selectors that read those say so rather than answer wrongly.
    static func addDbtConfig(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dbt_node ADD COLUMN config TEXT NOT NULL DEFAULT ''")
        try db.execute(sql: "UPDATE dbt_node SET config = ?", arguments: [importedBeforeConfig])
    }

    /// v11: whether a run's start_time stands in for a start the importer did not have (Airflow's
    /// logical date for a dagRun without start_date), so a real start from another source,
    /// imported before or after, replaces it.
    static func addRunStartEstimated(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dag_run ADD COLUMN start_estimated INTEGER NOT NULL DEFAULT 0")
    }

    /// The config of a dbt node imported before v10.
    public static let importedBeforeConfig = "?"

    static func addDbtAccessGroupVersion(_ db: Database) throws {
        for column in ["access", "group_name", "version", "latest_version"] {
            try db.execute(sql: "ALTER TABLE dbt_node ADD COLUMN \(column) TEXT NOT NULL DEFAULT ''")
        }
    }

    static func addImport(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dbt_node (
                id TEXT PRIMARY KEY NOT NULL,          -- the entity id = dbt unique_id
                resource_type TEXT NOT NULL,
                package_name TEXT NOT NULL,
                fqn TEXT NOT NULL,                     -- fqn parts joined with '.'
                original_file_path TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX dbt_node_package ON dbt_node(package_name, resource_type);
            CREATE INDEX dbt_node_fqn ON dbt_node(fqn);
            CREATE INDEX dbt_node_path ON dbt_node(original_file_path);

            CREATE TABLE column_edge (
                from_table TEXT NOT NULL,
                from_column TEXT NOT NULL,
                to_table TEXT NOT NULL,
                to_column TEXT NOT NULL,
                source TEXT NOT NULL,
                PRIMARY KEY (from_table, from_column, to_table, to_column, source)
            ) WITHOUT ROWID;
            CREATE INDEX column_edge_to ON column_edge(to_table, to_column);

            ALTER TABLE data_table ADD COLUMN relation TEXT;
            CREATE INDEX data_table_relation ON data_table(relation);

            ALTER TABLE task_run ADD COLUMN message TEXT;

            -- Data tests (dbt tests, OpenLineage assertions): checks on a table, not lineage nodes.
            CREATE TABLE data_check (
                table_id TEXT NOT NULL,
                check_id TEXT NOT NULL,                -- dbt: the test's unique_id
                name TEXT NOT NULL,
                column_name TEXT,
                test TEXT,                             -- unique, not_null, relationships, ...
                severity TEXT,
                PRIMARY KEY (table_id, check_id)
            ) WITHOUT ROWID;
            CREATE INDEX data_check_id ON data_check(check_id);

            CREATE TABLE import_fact (
                importer TEXT NOT NULL,
                file TEXT NOT NULL,
                fact TEXT NOT NULL,                    -- entity, edge, column_edge, check, run
                key TEXT NOT NULL,
                digest TEXT NOT NULL,
                PRIMARY KEY (importer, file, fact, key)
            ) WITHOUT ROWID;
            CREATE INDEX import_fact_key ON import_fact(fact, key);
            """)
    }

    /// Applies migrations up to and including `id` only: lets tests create a catalog exactly as
    /// an older strata left it, to check that opening it upgrades it.
    public static func migrateForTesting(_ writer: any DatabaseWriter, upTo id: String) throws {
        try migrator.migrate(writer, upTo: id)
    }
}
