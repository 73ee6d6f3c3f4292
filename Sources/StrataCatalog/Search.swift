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
    public func search(_ query: String, kind: EntityKind? = nil, limit: Int = 20) throws -> [SearchHit] {
        guard limit > 0, let pattern = FTS5Pattern(matchingAllPrefixesIn: query) else { return [] }
        let exact = query.trimmingCharacters(in: .whitespaces).lowercased()
        var sql = """
            SELECT e.id, e.kind, e.name, e.stage,
                   bm25(search, 10.0, 8.0, 4.0, 3.0, 1.5, 1.0) AS rank,
                   (lower(e.name) = :exact OR e.id = :exact) AS is_exact
            FROM search JOIN entity e ON e.num = search.rowid
            WHERE search MATCH :pattern
            """
        var args: [String: (any DatabaseValueConvertible)?] = ["pattern": pattern, "exact": exact, "limit": limit]
        if let kind {
            sql += " AND e.kind = :kind"
            args["kind"] = kind.rawValue
        }
        sql += " ORDER BY is_exact DESC, rank, e.name LIMIT :limit"
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
            let rank: Double = row["rank"]
            let boost: Double = (row["is_exact"] as Int) == 1 ? 100 : 0
            return SearchHit(id: row["id"], kind: EntityKind(rawValue: row["kind"]) ?? .table,
                             name: row["name"], stage: row["stage"],
                             score: ((boost - rank) * 1000).rounded() / 1000)
        }
    }
}
