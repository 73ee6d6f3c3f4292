import GRDB

public struct SearchHit: Sendable, Equatable, Codable {
    public var id: String
    public var kind: EntityKind
    public var name: String
    public var stage: String?
    /// Higher is better. Comparable within one result list only.
    public var score: Double
}

extension CatalogReader {
    /// Ranked full-text search for search-as-you-type: every word of `query` must match the
    /// start of a word in the entity's name, id, tags, owner, columns or description.
    ///
    /// Any input is safe: punctuation, quotes and FTS operators (`AND`, `*`, `(`) are treated as
    /// word separators, never as syntax. A query with no words returns nothing.
    /// Ranking: an exact name or id match first, then bm25 with name and id weighing most.
    ///
    /// Large catalogs: bm25 scores every matching entity before the best `limit` are kept,
    /// about 1 µs each, so a query matching hundreds of thousands of entities (the first
    /// letters typed, or a word that is everywhere) would take a second on a million-entity
    /// catalog. So when a query matches more than `SearchTuning.rankAllLimit` entities, the
    /// hits are picked from a bounded candidate set instead: the entity whose id is the query,
    /// names that begin with the query as typed, lowercased, Capitalized or Title Cased (both
    /// through indexes, so exact name matches in those spellings are always found), and the
    /// first few hundred full-text matches (of the requested kind) in index order. Candidates
    /// are ranked: exact match first, then names that begin with the query, then by how many
    /// query words start a word of the name (weight 10) or of the id (weight 8), then shorter
    /// names. Every hit still matches the query. If the candidates hold fewer than `limit`
    /// hits (a rare kind), the full bm25 ranking runs as before. Queries matching fewer
    /// entities, which is every query on a catalog of a few thousand entities, rank exactly
    /// as before.
    public func search(_ query: String, kind: EntityKind? = nil, limit: Int = 20) throws -> [SearchHit] {
        guard limit > 0, let pattern = FTS5Pattern(matchingAllPrefixesIn: query) else { return [] }
        let exact = query.trimmingCharacters(in: .whitespaces).lowercased()
        let sampleSize = SearchTuning.sample(limit: limit)
        if sampleSize <= SearchTuning.rankAllLimit, try !isSmallCatalog(), try !someWordIsRare(pattern),
           let sample = try unselectiveSample(pattern, kind: kind, size: sampleSize) {
            let hits = try boundedSearch(query, pattern: pattern, sample: sample, exact: exact,
                                         kind: kind, limit: limit)
            if hits.count >= limit { return hits }
        }
        return try rankedSearch(pattern: pattern, exact: exact, kind: kind, limit: limit)
    }

    /// The query's words as FTS5 sees them: "orders* cu*" -> ["orders", "cu"].
    static func words(of pattern: FTS5Pattern) -> [String] {
        pattern.rawPattern.split(separator: " ").map { String($0.hasSuffix("*") ? $0.dropLast() : $0) }
    }

    /// Whether the catalog has at most `rankAllLimit` entities (then no query can match more):
    /// the largest entity number is an upper bound of the count and costs one B-tree descent.
    func isSmallCatalog() throws -> Bool {
        let maxNum = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(num) FROM entity")) ?? 0
        return maxNum <= SearchTuning.rankAllLimit
    }

    /// Whether some word's first `indexedPrefixMax` letters (or the whole word, if shorter) start
    /// a word in at most `rankAllLimit` entities, so that the whole query cannot match more.
    /// Cheap: such prefixes are served by an FTS prefix index, which is read only up to the
    /// bound. (FTS5 has no index for longer prefixes and builds their whole match list first,
    /// so longer heads are not probed.)
    func someWordIsRare(_ pattern: FTS5Pattern) throws -> Bool {
        let count = try db.cachedStatement(
            sql: "SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)")
        // Likeliest to be rare first: words with digits (ids, numbered names), then long words.
        func rarity(_ w: String) -> (Int, Int, String) { (w.contains(where: \.isNumber) ? 1 : 0, w.count, w) }
        let candidates = Set(Self.words(of: pattern)).sorted { rarity($0) > rarity($1) }
        for word in candidates {
            let head = String(String.UnicodeScalarView(word.unicodeScalars.prefix(SearchTuning.indexedPrefixMax)))
            guard let headPattern = FTS5Pattern(matchingAllPrefixesIn: head) else { continue }
            let n = try Int.fetchOne(count, arguments: [headPattern, SearchTuning.rankAllLimit + 1]) ?? 0
            if n <= SearchTuning.rankAllLimit { return true }
        }
        return false
    }

    /// nil when the query matches at most `rankAllLimit` entities (rank them all); otherwise the
    /// first `size` matching entities (of `kind`, among the first `kindScanLimit` matches) in
    /// index order, found without ranking.
    func unselectiveSample(_ pattern: FTS5Pattern, kind: EntityKind?, size: Int) throws -> ArraySlice<Int64>? {
        let cap = SearchTuning.rankAllLimit
        let first = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT rowid FROM search WHERE search MATCH ? LIMIT ?"),
            arguments: [pattern, cap + 1])
        guard first.count > cap else { return nil }
        guard let kind else { return first.prefix(size) }
        // The first `size` matches of `kind` among the first `kindScanLimit` matches, filtered
        // inside SQLite. CROSS JOIN keeps FTS5 as the outer loop (see rankedSearch's note on plans).
        return try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT m.num FROM (SELECT rowid AS num FROM search WHERE search MATCH ? LIMIT ?) m
            CROSS JOIN entity e ON e.num = m.num
            WHERE e.kind = ? LIMIT ?
            """), arguments: [pattern, SearchTuning.kindScanLimit, kind.rawValue, size])[...]
    }

    /// Every match ranked with bm25, exact matches first: the one statement search always ran.
    /// (Its plan has FTS5 as the outer loop. Any query that joins `search` to `entity` and
    /// filters on entity columns should keep it so, with CROSS JOIN if need be: the other
    /// order asks FTS5 for one rowid at a time, and for a prefix longer than the indexed ones
    /// (`SearchTuning.indexedPrefixMax`) FTS5 rebuilds the whole match list each time, which
    /// takes hours on a large catalog; even indexed prefixes are re-sought per row.)
    func rankedSearch(pattern: FTS5Pattern, exact: String, kind: EntityKind?, limit: Int) throws -> [SearchHit] {
        // A name whose last part *is* the query ("orders" -> raw.shop.orders, "fct orders" ->
        // analytics.marts.fct_orders) comes before one whose last part starts or ends with it
        // (stg_orders), and both before names that merely contain the words somewhere: bm25
        // alone put a task called dbt_build_marts_orders and a mart whose description cites
        // fct_orders above fct_orders itself.
        let words = Self.words(of: pattern)
        let joined = words.joined(separator: "_")
        // Then names in which more query words start a word ("fct user" -> fct_active_users
        // before fct_calls_activity, whose user_id column matched: bm25's length normalisation
        // put the long-documented users table second). Scored per match with LIKE, at most
        // `rankAllLimit` matches, rather than by a second full-text lookup restricted to the
        // name column, whose prefix lists can be far longer than the matches.
        let scored = Array(words.prefix(SearchTuning.maxScoredWords))
        // The last part of the name is computed once per match (a MATERIALIZED view of the
        // matches), not once per comparison.
        var sql = """
            WITH m AS MATERIALIZED (
                SELECT e.id, e.kind, e.name, e.stage,
                       bm25(search, 10.0, 8.0, 4.0, 3.0, 1.5, 1.0) AS rank,
                       (lower(e.name) = :exact OR e.id = :exact) AS is_exact,
                       lower(substr(e.name, length(rtrim(e.name, replace(e.name, '.', ''))) + 1)) AS short,
                       \(Self.wordStarts(scored, in: Self.spaced("e.name"))) AS in_name
                FROM search CROSS JOIN entity e ON e.num = search.rowid
                WHERE search MATCH :pattern\(kind == nil ? "" : " AND e.kind = :kind"))
            SELECT id, kind, name, stage, rank, is_exact, min(length(short), 99) AS short_length, in_name,
                   CASE WHEN short = :joined THEN 2
                        WHEN short LIKE :startsWith ESCAPE '\\' OR short LIKE :endsWith ESCAPE '\\' THEN 1
                        ELSE 0 END AS name_tier
            FROM m
            """
        var args: [String: (any DatabaseValueConvertible)?] = [
            "pattern": pattern, "exact": exact, "limit": limit, "joined": joined,
            "startsWith": Self.escapeLike(joined) + "%", "endsWith": "%\\_" + Self.escapeLike(joined),
        ]
        if let kind { args["kind"] = kind.rawValue }
        for (i, w) in scored.enumerated() { args["w\(i)"] = "% " + Self.escapeLike(w) + "%" }
        // Within a tier, the shorter name is the closer one (stg_orders before dbt_build_marts_orders).
        sql += " ORDER BY is_exact DESC, name_tier DESC, CASE WHEN name_tier > 0 THEN short_length END, in_name DESC,"
            + " rank, name LIMIT :limit"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(args)).map { row in
            let rank: Double = row["rank"]
            let tier = row["name_tier"] as Int
            // Scores descend in result order: tiers first, then (within a tier) shorter names, then
            // words in the name (at most 8), then bm25 (whose magnitude stays far below 1,000).
            let boost = Double((row["is_exact"] as Int) * 100_000_000 + tier * 10_000_000 + (row["in_name"] as Int) * 1_000)
                - (tier > 0 ? Double(row["short_length"] as Int) * 100_000 : 0)
            return SearchHit(id: row["id"], kind: EntityKind(rawValue: row["kind"]) ?? .table,
                             name: row["name"], stage: row["stage"],
                             score: ((boost - rank) * 1000).rounded() / 1000)
        }
    }

    /// The best `limit` hits among a bounded candidate set, for queries that match too many
    /// entities to rank them all (see `search`). Every candidate matches `pattern`: it is a
    /// full-text match, or its id equals the query, or its name begins with the query text
    /// (so each typed word starts a word of the name).
    func boundedSearch(_ query: String, pattern: FTS5Pattern, sample: ArraySlice<Int64>, exact: String,
                       kind: EntityKind?, limit: Int) throws -> [SearchHit] {
        let words = Array(Self.words(of: pattern).prefix(SearchTuning.maxScoredWords))
        // Name prefixes to look up in the (kind, name) index, which compares case-sensitively:
        // the query as typed, lowercased, Capitalized, Title Cased, and words_joined_by_underscores.
        let typed = query.trimmingCharacters(in: .whitespaces)
        var prefixes: [String] = []
        for p in [typed, exact, Self.capitalized(exact), Self.titleCased(exact), words.joined(separator: "_")]
        where !p.isEmpty && !prefixes.contains(p) {
            prefixes.append(p)
        }
        let kinds = kind.map { [$0] } ?? EntityKind.allCases

        var args: [String: (any DatabaseValueConvertible)?] = [
            "sample": "[" + sample.map(String.init).joined(separator: ",") + "]", "exact": exact,
            "perPrefix": SearchTuning.perPrefixLimit, "limit": limit,
            "startsLike": Self.escapeLike(exact) + "%",
        ]
        var candidates = [
            "SELECT value FROM json_each(:sample)",
            "SELECT num FROM entity WHERE id = :exact",
        ]
        for (i, p) in prefixes.enumerated() {
            args["p\(i)"] = p
            args["p\(i)end"] = p + "\u{10FFFF}"
            for k in kinds {
                candidates.append("""
                    SELECT num FROM (SELECT num FROM entity WHERE kind = '\(k.rawValue)' \
                    AND name >= :p\(i) AND name < :p\(i)end ORDER BY name LIMIT :perPrefix)
                    """)
            }
        }
        for (i, w) in words.enumerated() { args["w\(i)"] = "% " + Self.escapeLike(w) + "%" }
        let sql = """
            WITH cand(num) AS (\(candidates.joined(separator: "\n UNION "))),
            picked AS MATERIALIZED (
                SELECT e.id, e.kind, e.name, e.stage,
                       (lower(e.name) = :exact OR e.id = :exact) AS is_exact,
                       (e.name LIKE :startsLike ESCAPE '\\') AS starts,
                       \(Self.spaced("e.name")) AS spaced_name, \(Self.spaced("e.id")) AS spaced_id
                FROM cand CROSS JOIN entity e ON e.num = cand.num
                \(kind == nil ? "" : "WHERE e.kind = :kind"))
            SELECT id, kind, name, stage, is_exact, starts,
                   10 * \(Self.wordStarts(words, in: "spaced_name")) + 8 * \(Self.wordStarts(words, in: "spaced_id")) AS word_hits
            FROM picked
            ORDER BY is_exact DESC, starts DESC, word_hits DESC, length(name), name, id
            LIMIT :limit
            """
        if let kind { args["kind"] = kind.rawValue }
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(args)).map { row in
            let name: String = row["name"]
            var score = Double(row["word_hits"] as Int) - Double(min(name.unicodeScalars.count, 1999)) / 1000
            if (row["starts"] as Int) == 1 { score += 1_000 }
            if (row["is_exact"] as Int) == 1 { score += 10_000 }
            return SearchHit(id: row["id"], kind: EntityKind(rawValue: row["kind"]) ?? .table,
                             name: name, stage: row["stage"], score: (score * 1000).rounded() / 1000)
        }
    }

    /// SQL for " " + the column with separators as spaces, so that LIKE "% word%" means "word
    /// starts a word of it".
    static func spaced(_ column: String) -> String {
        "' ' || replace(replace(replace(replace(replace(\(column), '_', ' '), '.', ' '), '-', ' '), "
            + "'/', ' '), ':', ' ')"
    }

    /// SQL counting the `words` that start a word of `spaced` (parameters :w0, :w1, … hold
    /// "% word%").
    static func wordStarts(_ words: [String], in spaced: String) -> String {
        words.isEmpty ? "0" : "(" + words.indices.map { "(\(spaced) LIKE :w\($0) ESCAPE '\\')" }.joined(separator: " + ") + ")"
    }

    static func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    static func titleCased(_ s: String) -> String {
        s.split(separator: " ", omittingEmptySubsequences: false).map { capitalized(String($0)) }
            .joined(separator: " ")
    }
}

/// Limits of the bounded ranking used for queries that match very many entities.
enum SearchTuning {
    /// A query matching at most this many entities is ranked in full with bm25 (about 1 µs per
    /// match, so at most a few ms); one matching more is ranked from a bounded candidate set.
    static let rankAllLimit = 4_000
    /// Names taken per kind and per spelling from the name-prefix index lookup.
    static let perPrefixLimit = 20
    /// Full-text matches taken, in index order, as candidates beside the index lookups:
    /// enough to fill a page several times over, few enough to score in about a millisecond.
    static func sample(limit: Int) -> Int { max(500, 5 * limit) }
    /// With a kind filter, full-text matches read (in index order) to find `sample` of that kind.
    static let kindScanLimit = 20_000
    /// Query words scored against names and ids (more than this are still all matched by FTS).
    static let maxScoredWords = 8
    /// The longest prefix the `search` table indexes (its `prefix` option, migration
    /// v3-search-prefixes): prefix queries up to this many letters are read incrementally.
    static let indexedPrefixMax = 8
}
