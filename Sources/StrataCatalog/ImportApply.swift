import Foundation
import GRDB

/// Where an import is, for a progress line: entities as they are written, then lineage edges
/// and checks, the search index, and saving (commit, and the file moved into place).
public enum ImportProgress: Equatable, Sendable {
    case entities(done: Int, total: Int)
    case links
    case searchIndex
    case saving
}

/// Merges importer output into a catalog (call inside `Catalog.write`: one transaction).
///
/// Each input file is a source. What a file contributes is remembered in `import_fact` with a
/// digest, so re-importing the same file writes nothing, a newer version updates what changed,
/// and what disappeared from that file is removed; an entity goes only when no source (of any
/// importer or file) still has it.
extension CatalogWriter {
    /// Lower numbers win a conflict between two sources' views of one entity.
    static func rank(_ importer: String) -> Int {
        switch importer {
        case "dbt": 0
        case "airflow": 1
        case "openlineage": 2
        default: 3
        }
    }

    public func apply(_ batch: ImportBatch, now: String,
                      progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        var summary = ImportSummary()
        summary.countsRepeats = batch.files.count > 1
        // What the search index must re-read at the end (temporary: never in the file).
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS import_touched(id TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TEMP TABLE IF NOT EXISTS import_removed(num INTEGER PRIMARY KEY);
            DELETE FROM import_touched; DELETE FROM import_removed;
            """)
        for (e, position) in batch.ensureStages where try !exists(e.id) {
            try touch(e.id)
            try upsert(e)
            try setStage(e.id, position: position)
            summary.add(e.kind.rawValue)
        }
        for (e, detail) in batch.ensureTools where try !exists(e.id) {
            try touch(e.id)
            try upsert(e)
            try setTool(e.id, detail)
            summary.add(e.kind.rawValue)
        }
        let total = batch.files.reduce(0) { $0 + $1.entities.count }
        var done = 0
        for file in batch.files {
            // Timing laps per phase of each file, unless there are many files (a folder of
            // events): then one lap for all of them.
            try applyFile(file, now: now, summary: &summary, laps: batch.files.count <= 3, progress: { n in
                done += n
                progress?(.entities(done: done, total: total))
            }, linking: { progress?(.links) })
        }
        if batch.files.count > 3 { PhaseClock.lap("\(batch.files.count) files") }
        if !summary.isEmpty {
            progress?(.searchIndex)
            try updateSearchIndex()
        }
        PhaseClock.lap("search index")
        progress?(.saving)
        return summary
    }

    private func touch(_ id: String) throws {
        try RowWriter(db: db).execute("INSERT OR IGNORE INTO import_touched(id) VALUES (?)", id)
    }

    /// Re-indexes only the entities this import wrote or removed (and those owned by a written
    /// owner, whose name is indexed with them): a small import into a big catalog does not pay
    /// for re-indexing everything (3 s at 66,000 entities).
    private func updateSearchIndex() throws {
        try Self.useLargeSearchBuffer(db)
        try db.execute(sql: """
            DELETE FROM search WHERE rowid IN (SELECT num FROM import_removed);
            INSERT OR IGNORE INTO import_touched(id) SELECT e.id FROM entity e JOIN import_touched t ON t.id = e.owner;
            DELETE FROM search WHERE rowid IN (SELECT e.num FROM entity e JOIN import_touched t ON t.id = e.id);
            INSERT INTO search(rowid, name, ident, tags, owner, columns, description)
            \(Self.searchRow)
            FROM import_touched t JOIN entity e ON e.id = t.id LEFT JOIN entity o ON o.id = e.owner;
            """)
    }

    func exists(_ id: String) throws -> Bool {
        try RowWriter(db: db).text("SELECT 1 FROM entity WHERE id = ?", id) != nil
    }

    private func oldFacts(_ importer: String, _ file: String, _ fact: String) throws -> [String: String] {
        try RowWriter(db: db).pairs("SELECT key, digest FROM import_fact WHERE importer = ? AND file = ? AND fact = ?",
                                    importer, file, fact)
    }

    private func putFact(_ importer: String, _ file: String, _ fact: String, _ key: String, _ digest: String) throws {
        var facts = RowBlock(width: 5)
        facts.add(importer); facts.add(file); facts.add(fact); facts.add(key); facts.add(digest)
        try putFacts(facts)
    }

    /// Writes `import_fact` rows (`RowBlock.addFact`), replacing the digests of known keys.
    fileprivate func putFacts(_ facts: RowBlock) throws {
        try RowWriter(db: db).insert(facts, """
            INSERT INTO import_fact(importer, file, fact, key, digest) SELECT c0, c1, c2, c3, c4 FROM strata_rows(?) WHERE true
            ON CONFLICT(importer, file, fact, key) DO UPDATE SET digest = excluded.digest
            """)
    }

    private func dropFact(_ importer: String, _ file: String, _ fact: String, _ key: String) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM import_fact WHERE importer = ? AND file = ? AND fact = ? AND key = ?")
            .execute(arguments: [importer, file, fact, key])
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM import_fact WHERE fact = ? AND key = ?"),
                                arguments: [fact, key]) == 0
    }

    /// Files imported earlier under the same source name (from other paths) become this file:
    /// their facts and entity sources move to it, and the diff that follows removes what the
    /// source no longer has.
    private func adoptEarlierFiles(named name: String, by f: ImportFileBatch, summary: inout ImportSummary) throws {
        let earlier = try String.fetchAll(db, sql: """
            SELECT DISTINCT file FROM import_fact WHERE importer = ? AND fact = 'source' AND key = ? AND file <> ?
            """, arguments: [f.importer, name, f.file])
        for old in earlier {
            // UPDATE OR IGNORE keeps this file's own row where both have one; the rest goes.
            for sql in ["UPDATE OR IGNORE import_fact SET file = ?1 WHERE importer = ?2 AND file = ?3",
                        "DELETE FROM import_fact WHERE importer = ?2 AND file = ?3",
                        "UPDATE OR IGNORE entity_source SET file = ?1 WHERE importer = ?2 AND file = ?3",
                        "DELETE FROM entity_source WHERE importer = ?2 AND file = ?3"] {
                try db.execute(sql: sql, arguments: [f.file, f.importer, old])
            }
        }
        if !earlier.isEmpty { summary.count("source", name, added: false) }
        // Bookkeeping, not a change of its own: written with the first import that changes
        // something (a catalog from before source names gets it on its next real change).
        // A file is one source at a time (a folder reused for another project is that one now).
        if try oldFacts(f.importer, f.file, "source")[name] == nil {
            try db.execute(sql: "DELETE FROM import_fact WHERE importer = ? AND file = ? AND fact = 'source'",
                           arguments: [f.importer, f.file])
            try putFact(f.importer, f.file, "source", name, "1")
        }
    }

    // MARK: Resolving ids (merging)

    /// The id an imported table gets: the dbt node it names, else the table with the same
    /// warehouse relation, else the same-named node of its dbt project, else its own id.
    private func resolve(_ e: ImportedEntity, importer: String) throws -> String {
        guard e.entity.kind == .table else { return e.entity.id }
        if importer == "dbt" { return e.entity.id }
        if let u = e.dbtUniqueID { return u }
        if let rel = e.relation, let id = try String.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM data_table WHERE relation = ? ORDER BY id LIMIT 1"), arguments: [rel]) {
            return id
        }
        if let project = e.dbtProject, let id = try String.fetchOne(db.cachedStatement(sql: """
            SELECT n.id FROM dbt_node n JOIN entity e ON e.id = n.id
            WHERE n.package_name = ? AND n.resource_type IN ('model', 'seed', 'snapshot') AND lower(e.name) = ?
            ORDER BY n.id LIMIT 1
            """), arguments: [project, (e.entity.name.split(separator: ".").last.map(String.init) ?? e.entity.name).lowercased()]) {
            return id
        }
        return e.entity.id
    }

    /// dbt knows this table under `id`: a table that another source imported first under its own
    /// id, with the same relation, takes dbt's id (everything pointing at it follows).
    private func adoptDbtID(_ id: String, relation: String?) throws {
        guard let relation, try !exists(id) else { return }
        guard let old = try RowWriter(db: db).text("SELECT id FROM data_table WHERE relation = ? AND id <> ? LIMIT 1",
                                                    relation, id) else { return }
        try renameEntity(old, to: id)
    }

    func renameEntity(_ old: String, to new: String) throws {
        let updates = [
            "UPDATE entity SET id = ?2 WHERE id = ?1",
            "UPDATE data_table SET id = ?2 WHERE id = ?1",
            "UPDATE table_column SET table_id = ?2 WHERE table_id = ?1",
            "UPDATE OR IGNORE edge SET from_id = ?2 WHERE from_id = ?1",
            "UPDATE OR IGNORE edge SET to_id = ?2 WHERE to_id = ?1",
            "DELETE FROM edge WHERE from_id = ?1 OR to_id = ?1",
            "UPDATE OR IGNORE column_edge SET from_table = ?2 WHERE from_table = ?1",
            "UPDATE OR IGNORE column_edge SET to_table = ?2 WHERE to_table = ?1",
            "DELETE FROM column_edge WHERE from_table = ?1 OR to_table = ?1",
            "UPDATE OR IGNORE data_check SET table_id = ?2 WHERE table_id = ?1",
            "UPDATE OR IGNORE entity_source SET entity_id = ?2 WHERE entity_id = ?1",
            "UPDATE OR IGNORE import_fact SET key = ?2 WHERE fact = 'entity' AND key = ?1",
            "UPDATE entity SET owner = ?2 WHERE owner = ?1",
        ]
        for sql in updates { try db.execute(sql: sql, arguments: sql.contains("?2") ? [old, new] : [old]) }
        try touch(new)
        // Edge and column-edge facts are keyed by their ends.
        for fact in ["edge", "column_edge", "check"] {
            let rows = try Row.fetchAll(db, sql: "SELECT importer, file, key, digest FROM import_fact WHERE fact = ?",
                                        arguments: [fact])
            for row in rows {
                let key: String = row["key"]
                let parts = key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
                guard parts.contains(old) else { continue }
                let newKey = parts.map { $0 == old ? new : $0 }.joined(separator: "\u{1F}")
                try db.execute(sql: "DELETE FROM import_fact WHERE importer = ? AND file = ? AND fact = ? AND key = ?",
                               arguments: [row["importer"], row["file"], fact, key])
                try putFact(row["importer"], row["file"], fact, newKey, row["digest"])
            }
        }
    }

    // MARK: One file

    private func applyFile(_ f: ImportFileBatch, now: String, summary: inout ImportSummary,
                           laps: Bool, progress: (Int) -> Void, linking: () -> Void) throws {
        if let name = f.sourceName { try adoptEarlierFiles(named: name, by: f, summary: &summary) }
        // Resolve ids first, so edges and checks point at the merged entities.
        var idMap: [String: String] = [:]
        var entities: [ImportedEntity] = []
        var seen = Set<String>()
        for var e in f.entities {
            if f.importer == "dbt" && e.entity.kind == .table { try adoptDbtID(e.entity.id, relation: e.relation) }
            let id = try resolve(e, importer: f.importer)
            if id != e.entity.id { idMap[e.entity.id] = id; e.entity.id = id }
            guard seen.insert(id).inserted else { continue }
            entities.append(e)
        }

        // Ids are unique across kinds: an owner named like an existing tool or table (Airflow's
        // default owner `airflow`, say) becomes `team.airflow` / `person.x`, and what it owns
        // follows.
        func kindOf(_ id: String) throws -> String? {
            try RowWriter(db: db).text("SELECT kind FROM entity WHERE id = ?", id)
        }
        var ownerMap: [String: String] = [:]
        let batchKinds = Dictionary(entities.map { ($0.entity.id, $0.entity.kind) }, uniquingKeysWith: { a, _ in a })
        for i in entities.indices where entities[i].entity.kind == .owner {
            let id = entities[i].entity.id
            if let k = try kindOf(id), k != EntityKind.owner.rawValue {
                ownerMap[id] = (entities[i].owner?.type.rawValue ?? "team") + "." + id
            }
        }
        for i in entities.indices {
            if let m = ownerMap[entities[i].entity.id], entities[i].entity.kind == .owner { entities[i].entity.id = m }
            if let o = entities[i].entity.owner, let m = ownerMap[o], batchKinds[o] == .owner { entities[i].entity.owner = m }
        }
        // A renamed owner may now share its id with another owner of the file: the later one
        // stays (it used to be written over the first), and it is one owner, counted once.
        if !ownerMap.isEmpty {
            var unique = Set<String>()
            entities = entities.reversed().filter { unique.insert($0.entity.id).inserted }.reversed()
        }

        if laps { PhaseClock.lap("ids") }
        // The file's edges, column edges and checks are keyed and sorted on another core while
        // this one writes the entities (they need the final ids, nothing from the database); a
        // small file's here, where handing them over would cost more than the work.
        let known = Set(entities.map(\.entity.id))
        let keying = DispatchGroup()
        nonisolated(unsafe) var keyed = KeyedFacts()
        if f.edges.count + f.columnEdges.count + f.checks.count < 1_000 {
            keyed = KeyedFacts(f, idMap: idMap, known: known)
        } else {
            DispatchQueue.global(qos: .userInitiated).async(group: keying) { [idMap] in
                keyed = KeyedFacts(f, idMap: idMap, known: known)
            }
        }
        defer { keying.wait() }

        // Entities.
        let old = try oldFacts(f.importer, f.file, "entity")
        var kept = Set<String>()
        // The rows go in a table at a time, every 50,000 entities and after the loop: nothing in
        // the loop reads them back (each id comes once, and it reads only other files' sources).
        var rows = EntityRows()
        for (i, e) in entities.enumerated() {
            if i % 1000 == 999 { progress(1000) }
            let id = e.entity.id
            let digest = e.digest()
            let existingKind = try kindOf(id)
            let existed = existingKind != nil
            // Another kind of entity already has this id: never turn it into something else.
            if let k = existingKind, k != e.entity.kind.rawValue, old[id] == nil { continue }
            kept.insert(id)
            if existed, old[id] == digest { continue }
            rows.touched.add(id)
            try writeEntity(e, importer: f.importer, file: f.file, existed: existed, into: &rows)
            rows.facts.addFact(f, "entity", id, digest)
            rows.sources.add(id); rows.sources.add(f.importer); rows.sources.add(f.file); rows.sources.add(now)
            summary.count(e.entity.kind.rawValue, id, added: !existed)
            if rows.entity.count >= 50_000 {
                try rows.write(RowWriter(db: db))
                rows = EntityRows()
            }
        }
        try rows.write(RowWriter(db: db))
        progress(entities.count % 1000)
        for (id, _) in old where !kept.contains(id) {
            try db.execute(sql: "DELETE FROM entity_source WHERE entity_id = ? AND importer = ? AND file = ?",
                           arguments: [id, f.importer, f.file])
            let last = try dropFact(f.importer, f.file, "entity", id)
            let others = try Int.fetchOne(db, sql: "SELECT count(*) FROM entity_source WHERE entity_id = ?", arguments: [id]) ?? 0
            guard let kind = try String.fetchOne(db, sql: "SELECT kind FROM entity WHERE id = ?", arguments: [id]) else { continue }
            if last && others == 0 {
                try deleteEntity(id)
                summary.remove(kind)
            } else {
                summary.update(kind)
            }
        }

        if laps { PhaseClock.lap("entities") }
        linking()
        // Edges whose two ends exist; then column edges, checks and runs.
        keying.wait()
        /// Entities of this file are known; others are looked up once each.
        var lookedUp: [String: Bool] = [:]
        func exists(_ ids: [String]) throws -> Bool {
            for id in ids {
                let found = try lookedUp[id] ?? self.exists(id)
                lookedUp[id] = found
                if !found { return false }
            }
            return true
        }
        let edges = try keyed.edges.filter { try exists($0.unknownEnds) }
        try syncFacts(f, "edge", edges, summary: &summary, write: { edges in
            var rows = RowBlock(width: 3)
            for e in edges { rows.add(e.from); rows.add(e.to); rows.add(e.source.rawValue) }
            try RowWriter(db: db).insert(rows, "INSERT OR IGNORE INTO edge(from_id, to_id, source) SELECT c0, c1, c2 FROM strata_rows(?)")
        }, delete: { e in
            try db.execute(sql: "DELETE FROM edge WHERE from_id = ? AND to_id = ? AND source = ?",
                           arguments: [e[0], e[1], e[2]])
        })

        if laps { PhaseClock.lap("edges") }
        try syncFacts(f, "column_edge", keyed.columnEdges, summary: &summary, write: { colEdges in
            var rows = RowBlock(width: 5)
            for c in colEdges {
                rows.add(c.fromTable); rows.add(c.fromColumn); rows.add(c.toTable); rows.add(c.toColumn); rows.add(c.source.rawValue)
            }
            try RowWriter(db: db).insert(rows, """
                INSERT OR IGNORE INTO column_edge(from_table, from_column, to_table, to_column, source)
                SELECT c0, c1, c2, c3, c4 FROM strata_rows(?)
                """)
        }, delete: { k in
            try db.execute(sql: """
                DELETE FROM column_edge WHERE from_table = ? AND from_column = ? AND to_table = ? AND to_column = ? AND source = ?
                """, arguments: [k[0], k[1], k[2], k[3], k[4]])
        })

        let checks = try keyed.checks.filter { try exists($0.unknownEnds) }
        try syncFacts(f, "check", checks, summary: &summary, write: { checks in
            var rows = RowBlock(width: 6)
            for c in checks {
                rows.add(c.tableID); rows.add(c.checkID); rows.add(c.name); rows.add(c.column); rows.add(c.test); rows.add(c.severity)
            }
            try RowWriter(db: db).insert(rows, """
                INSERT OR REPLACE INTO data_check(table_id, check_id, name, column_name, test, severity)
                SELECT c0, c1, c2, c3, c4, c5 FROM strata_rows(?)
                """)
        }, delete: { k in
            try db.execute(sql: "DELETE FROM data_check WHERE table_id = ? AND check_id = ?", arguments: [k[0], k[1]])
        })

        if laps { PhaseClock.lap("column edges, checks") }
        let runs = Keyed.sorted(f.runs.map { r in Keyed(key: r.dagID + "\u{1F}" + r.runID, value: r, digest: r.digest()) })
        try syncFacts(f, "run", runs, summary: &summary, write: { runs in for r in runs {
            let others = try String.fetchAll(db, sql: """
                SELECT DISTINCT importer FROM import_fact WHERE fact = 'run' AND key = ? AND NOT (importer = ? AND file = ?)
                """, arguments: [r.dagID + "\u{1F}" + r.runID, f.importer, f.file])
            try putImportedRun(r, fillOnly: others.contains { Self.rank($0) < Self.rank(f.importer) })
        } }, delete: { k in
            try db.execute(sql: "DELETE FROM dag_run WHERE dag_id = ? AND run_id = ?", arguments: [k[0], k[1]])
        })
        if laps { PhaseClock.lap("runs") }
    }

    /// Writes facts whose digest changed (`write` gets their values, in key order), removes the
    /// ones this file no longer has (the row itself only when no other file still has it) and
    /// counts both.
    private func syncFacts<T>(_ f: ImportFileBatch, _ fact: String, _ new: [Keyed<T>],
                              summary: inout ImportSummary, write: ([T]) throws -> Void,
                              delete: ([String]) throws -> Void) throws {
        let old = try oldFacts(f.importer, f.file, fact)
        var changed: [T] = []
        var facts = RowBlock(width: 5)
        for item in new {
            if old[item.key] == item.digest { continue }
            changed.append(item.value)
            facts.addFact(f, fact, item.key, item.digest)
            summary.count(fact, item.key, added: old[item.key] == nil)
        }
        try write(changed)
        try putFacts(facts)
        let newKeys = old.isEmpty ? [] : Set(new.map(\.key))
        for key in old.keys.sorted() where !newKeys.contains(key) {
            if try dropFact(f.importer, f.file, fact, key) {
                try delete(key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init))
            }
            summary.remove(fact)
        }
    }

    // MARK: Writing one entity

    /// Adds the entity's rows to `rows`; its owner, dashboard, DAG and task details are written
    /// at once (rare, and each in a table of its own).
    private func writeEntity(_ imported: ImportedEntity, importer: String, file: String, existed: Bool,
                             into rows: inout EntityRows) throws {
        var e = imported.entity
        // Does another source of a stronger importer own this entity? Then only fill gaps.
        var fillOnly = false
        if existed {
            let others = try String.fetchAll(db, sql: """
                SELECT DISTINCT importer FROM entity_source WHERE entity_id = ? AND NOT (importer = ? AND file = ?)
                """, arguments: [e.id, importer, file])
            fillOnly = others.contains { Self.rank($0) < Self.rank(importer) }
            if let current = try Row.fetchOne(db, sql: "SELECT * FROM entity WHERE id = ?", arguments: [e.id]) {
                func pick(_ mine: String?, _ theirs: String?) -> String? {
                    fillOnly ? (theirs?.isEmpty == false ? theirs : mine) : (mine?.isEmpty == false ? mine : theirs)
                }
                let theirs = CatalogReader.entity(current)
                if fillOnly || e.kind == theirs.kind {
                    e.kind = fillOnly ? theirs.kind : e.kind
                    e.name = pick(e.name, theirs.name) ?? e.name
                    e.stage = pick(e.stage, theirs.stage)
                    e.owner = pick(e.owner, theirs.owner)
                    e.tool = pick(e.tool, theirs.tool)
                    e.description = pick(e.description, theirs.description) ?? ""
                    if e.tags.isEmpty || fillOnly && !theirs.tags.isEmpty { e.tags = theirs.tags }
                }
            }
        }
        rows.entity.add(e.id); rows.entity.add(e.kind.rawValue); rows.entity.add(e.name); rows.entity.add(e.stage)
        rows.entity.add(e.owner); rows.entity.add(e.tool); rows.entity.add(e.description); rows.entity.add(Self.joinList(e.tags))
        if let t = imported.table {
            let block = fillOnly ? 1 : 0
            rows.table[block].add(e.id); rows.table[block].add(t.platform)
            rows.table[block].add(t.materialization); rows.table[block].add(imported.relation)
            let current = existed ? try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM table_column WHERE table_id = ?"),
                                                     arguments: [e.id]) ?? 0 : 0
            if !t.columns.isEmpty && (!fillOnly || current == 0) {
                if current > 0 {
                    try db.cachedStatement(sql: "DELETE FROM table_column WHERE table_id = ?").execute(arguments: [e.id])
                }
                for (i, c) in t.columns.enumerated() {
                    rows.column.add(e.id); rows.column.add(i); rows.column.add(c.name); rows.column.add(c.type); rows.column.add(c.description)
                }
            }
        }
        if let n = imported.dbt {
            rows.dbt.add(e.id); rows.dbt.add(n.resourceType); rows.dbt.add(n.packageName); rows.dbt.add(n.fqn)
            rows.dbt.add(n.originalFilePath); rows.dbt.add(n.patchPath)
            rows.dbt.add(n.access); rows.dbt.add(n.group); rows.dbt.add(n.version); rows.dbt.add(n.latestVersion)
            rows.dbt.add(n.config)
        }
        if let o = imported.owner {
            if fillOnly, try Bool.fetchOne(db, sql: "SELECT 1 FROM owner WHERE id = ?", arguments: [e.id]) == true {
            } else {
                try setOwner(e.id, o)
            }
        }
        if e.kind == .dashboard { try setDashboard(e.id, url: imported.dashboardURL) }
        if e.kind == .dag {
            try db.execute(sql: """
                INSERT INTO dag(id, schedule) VALUES (?, ?)
                ON CONFLICT(id) DO UPDATE SET schedule = coalesce(excluded.schedule, schedule)
                """, arguments: [e.id, imported.schedule])
        }
        if let t = imported.task {
            let keep = try fillOnly && Bool.fetchOne(db, sql: "SELECT 1 FROM task WHERE id = ?", arguments: [e.id]) == true
            if !keep { try setTask(e.id, t) }
        }
    }

    /// Removes an entity with everything hanging off it.
    func deleteEntity(_ id: String) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO import_removed(num) SELECT num FROM entity WHERE id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM import_touched WHERE id = ?", arguments: [id])
        for sql in [
            "DELETE FROM entity WHERE id = ?1", "DELETE FROM data_table WHERE id = ?1",
            "DELETE FROM table_column WHERE table_id = ?1", "DELETE FROM dbt_node WHERE id = ?1",
            "DELETE FROM owner WHERE id = ?1", "DELETE FROM dashboard WHERE id = ?1", "DELETE FROM dag WHERE id = ?1",
            "DELETE FROM task WHERE id = ?1", "DELETE FROM edge WHERE from_id = ?1 OR to_id = ?1",
            "DELETE FROM column_edge WHERE from_table = ?1 OR to_table = ?1",
            "DELETE FROM data_check WHERE table_id = ?1", "DELETE FROM dag_run WHERE dag_id = ?1",
            "DELETE FROM entity_source WHERE entity_id = ?1",
            "DELETE FROM import_fact WHERE fact = 'entity' AND key = ?1",
        ] {
            try db.execute(sql: sql, arguments: [id])
        }
    }

    /// Records (or replaces) a run with its task instances, their messages and log files. When
    /// another source already has this run and ranks higher (Airflow's API over OpenLineage's
    /// events), only what it lacks is added: task instances it does not list, messages, logs.
    /// Otherwise the run is replaced, keeping messages and logs the new version does not have.
    func putImportedRun(_ run: ImportedRun, fillOnly: Bool = false) throws {
        if fillOnly, let num = try Int64.fetchOne(db, sql: "SELECT num FROM dag_run WHERE dag_id = ? AND run_id = ?",
                                                   arguments: [run.dagID, run.runID]) {
            // Times the run's own source lacked (an estimated start, no end) come from this one.
            if let start = run.start, !run.startIsEstimate {
                try db.execute(sql: "UPDATE dag_run SET start_time = ?, start_estimated = 0 WHERE num = ? AND start_estimated = 1",
                               arguments: [start, num])
            }
            try db.execute(sql: "UPDATE dag_run SET end_time = ? WHERE num = ? AND end_time IS NULL", arguments: [run.end, num])
            for t in run.tasks {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO task_run(run_num, task_id, state, tries, start_time, end_time, message)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [num, t.run.taskID, t.run.state, t.run.tries, t.run.start, t.run.end, t.message])
                try db.execute(sql: "UPDATE task_run SET message = ? WHERE run_num = ? AND task_id = ? AND message IS NULL",
                               arguments: [t.message, num, t.run.taskID])
                try db.execute(sql: """
                    UPDATE task_run SET start_time = coalesce(start_time, ?), end_time = coalesce(end_time, ?)
                    WHERE run_num = ? AND task_id = ?
                    """, arguments: [t.run.start, t.run.end, num, t.run.taskID])
                for (i, path) in t.run.logs.enumerated() {
                    try db.execute(sql: "INSERT OR IGNORE INTO task_log(run_num, task_id, attempt, path) VALUES (?, ?, ?, ?)",
                                   arguments: [num, t.run.taskID, i + 1, path])
                }
            }
            return
        }
        var oldMessages: [String: String] = [:]
        var oldLogs: [String: [Row]] = [:]
        var oldTimes: [String: (start: String?, end: String?)] = [:]
        var oldRun: (start: String?, end: String?, estimated: Bool) = (nil, nil, false)
        if let old = try Row.fetchOne(db, sql: """
            SELECT num, start_time, end_time, start_estimated FROM dag_run WHERE dag_id = ? AND run_id = ?
            """, arguments: [run.dagID, run.runID]) {
            let num: Int64 = old["num"]
            oldRun = (old["start_time"], old["end_time"], old["start_estimated"])
            for row in try Row.fetchAll(db, sql: "SELECT task_id, message, start_time, end_time FROM task_run WHERE run_num = ?",
                                        arguments: [num]) {
                if let m: String = row["message"] { oldMessages[row["task_id"]] = m }
                oldTimes[row["task_id"]] = (row["start_time"], row["end_time"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT task_id, attempt, path FROM task_log WHERE run_num = ?", arguments: [num]) {
                oldLogs[row["task_id"], default: []].append(row)
            }
        }
        // Times another source recorded and this one lacks are kept (the Airflow API's dagRuns
        // may have no start_date where OpenLineage saw the run start).
        let realOld = oldRun.estimated ? nil : oldRun.start
        let start = run.startIsEstimate ? (realOld ?? run.start) : (run.start ?? oldRun.start)
        let estimated = run.startIsEstimate ? realOld == nil : (run.start == nil && oldRun.estimated)
        let num = try resetRun(DagRun(dagID: run.dagID, runID: run.runID, state: run.state, start: start, end: run.end ?? oldRun.end))
        try db.execute(sql: "UPDATE dag_run SET start_estimated = ? WHERE num = ?", arguments: [estimated, num])
        for t in run.tasks {
            let old = oldTimes[t.run.taskID]
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO task_run(run_num, task_id, state, tries, start_time, end_time, message)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [num, t.run.taskID, t.run.state, t.run.tries, t.run.start ?? old?.start, t.run.end ?? old?.end,
                                         t.message ?? oldMessages[t.run.taskID]])
            for (i, path) in t.run.logs.enumerated() {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO task_log(run_num, task_id, attempt, path) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [num, t.run.taskID, i + 1, path])
            }
            if t.run.logs.isEmpty {
                for row in oldLogs[t.run.taskID] ?? [] {
                    try db.execute(sql: "INSERT OR IGNORE INTO task_log(run_num, task_id, attempt, path) VALUES (?, ?, ?, ?)",
                                   arguments: [num, t.run.taskID, row["attempt"], row["path"]])
                }
            }
        }
    }
}

/// A fact of a file under its key, with its digest and the ends that are not entities of the
/// file (the database must have them, or an edge or check is left out).
struct Keyed<T>: @unchecked Sendable {
    var key: String
    var value: T
    var digest: String
    var unknownEnds: [String] = []

    /// By key, one per key: the last one given wins, as a later line of a file would.
    static func sorted(_ items: [Keyed<T>]) -> [Keyed<T>] {
        var last: [String: Int] = [:]
        for (i, item) in items.enumerated() { last[item.key] = i }
        return last.sorted { $0.key < $1.key }.map { items[$0.value] }
    }
}

/// A file's edges, column edges and checks keyed as `import_fact` keys them, with the final ids
/// (`idMap`) of their ends.
struct KeyedFacts: @unchecked Sendable {
    var edges: [Keyed<Edge>] = []
    var columnEdges: [Keyed<ColumnEdge>] = []
    var checks: [Keyed<DataCheck>] = []

    init() {}

    init(_ f: ImportFileBatch, idMap: [String: String], known: Set<String>) {
        func map(_ id: String) -> String { idMap[id] ?? id }
        edges = Keyed.sorted(f.edges.compactMap { e in
            var e = e
            e.from = map(e.from); e.to = map(e.to)
            guard e.from != e.to else { return nil }
            return Keyed(key: e.from + "\u{1F}" + e.to + "\u{1F}" + e.source.rawValue, value: e, digest: "1",
                         unknownEnds: [e.from, e.to].filter { !known.contains($0) })
        })
        columnEdges = Keyed.sorted(f.columnEdges.map { c in
            var c = c
            c.fromTable = map(c.fromTable); c.toTable = map(c.toTable)
            return Keyed(key: [c.fromTable, c.fromColumn, c.toTable, c.toColumn, c.source.rawValue].joined(separator: "\u{1F}"),
                         value: c, digest: "1")
        })
        checks = Keyed.sorted(f.checks.map { c in
            var c = c
            c.tableID = map(c.tableID)
            var d = Digest()
            d.mix(c.name); d.mix(c.column); d.mix(c.test); d.mix(c.severity)
            return Keyed(key: c.tableID + "\u{1F}" + c.checkID, value: c, digest: d.hex,
                         unknownEnds: known.contains(c.tableID) ? [] : [c.tableID])
        })
    }
}

/// The rows of one file's changed entities, written a table at a time after they are all known.
private struct EntityRows {
    var entity = RowBlock(width: 8)
    /// data_table rows whose source owns the entity, and rows that only fill its gaps.
    var table = [RowBlock(width: 4), RowBlock(width: 4)]
    var column = RowBlock(width: 5)
    var dbt = RowBlock(width: 11)
    var touched = RowBlock(width: 1)
    var facts = RowBlock(width: 5)
    var sources = RowBlock(width: 4)

    func write(_ w: RowWriter) throws {
        try w.insert(entity, """
            INSERT INTO entity(id, kind, name, stage, owner, tool, description, tags)
            SELECT c0, c1, c2, c3, c4, c5, c6, c7 FROM strata_rows(?) WHERE true
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, stage = excluded.stage,
                owner = excluded.owner, tool = excluded.tool, description = excluded.description, tags = excluded.tags
            """)
        for (block, fillOnly) in zip(table, [false, true]) {
            // Filling only keeps what the table has and takes the rest; otherwise the new values win.
            let (keep, take) = fillOnly ? ("", "excluded.") : ("excluded.", "")
            try w.insert(block, """
                INSERT INTO data_table(id, platform, materialization, relation) SELECT c0, c1, c2, c3 FROM strata_rows(?) WHERE true
                ON CONFLICT(id) DO UPDATE SET platform = coalesce(\(keep)platform, \(take)platform),
                  materialization = coalesce(\(keep)materialization, \(take)materialization),
                  relation = coalesce(\(keep)relation, \(take)relation)
                """)
        }
        try w.insert(column, """
            INSERT INTO table_column(table_id, position, name, type, description) SELECT c0, c1, c2, c3, c4 FROM strata_rows(?)
            """)
        try w.insert(dbt, """
            INSERT OR REPLACE INTO dbt_node(id, resource_type, package_name, fqn, original_file_path, patch_path,
                                            access, group_name, version, latest_version, config)
            SELECT c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10 FROM strata_rows(?)
            """)
        try w.insert(touched, "INSERT OR IGNORE INTO import_touched(id) SELECT c0 FROM strata_rows(?)")
        try CatalogWriter(db: w.db).putFacts(facts)
        try w.insert(sources, """
            INSERT INTO entity_source(entity_id, importer, file, imported_at) SELECT c0, c1, c2, c3 FROM strata_rows(?) WHERE true
            ON CONFLICT(entity_id, importer, file) DO UPDATE SET imported_at = excluded.imported_at
            """)
    }
}

extension RowBlock {
    /// One `import_fact` row (a block of width 5).
    mutating func addFact(_ f: ImportFileBatch, _ fact: String, _ key: String, _ digest: String) {
        add(f.importer); add(f.file); add(fact); add(key); add(digest)
    }
}
